import { useState, type FormEvent } from 'react';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Dialog from '@mui/material/Dialog';
import DialogActions from '@mui/material/DialogActions';
import DialogContent from '@mui/material/DialogContent';
import DialogContentText from '@mui/material/DialogContentText';
import DialogTitle from '@mui/material/DialogTitle';
import FormControlLabel from '@mui/material/FormControlLabel';
import Link from '@mui/material/Link';
import Stack from '@mui/material/Stack';
import Switch from '@mui/material/Switch';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useNavigate } from 'react-router-dom';
import {
  useDeleteMeMutation,
  useLoginMutation,
  useSetPasswordMutation,
  useUpdateMeMutation,
} from '../../api/auth';
import { errorMessage, formErrors } from '../../api/errors';
import type { Account } from '../../api/types';
import { PasswordField } from './PasswordField';

/** First and last name. */
export function NamesForm({ account }: { account: Account }) {
  const [names, setNames] = useState({
    first_name: account.first_name,
    last_name: account.last_name,
  });
  const [update, { isLoading, error, isSuccess, reset }] = useUpdateMeMutation();
  const errors = formErrors(error, ['first_name', 'last_name']);
  const changed = names.first_name !== account.first_name || names.last_name !== account.last_name;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void update(names);
  };
  return (
    <Stack component="form" spacing={2} onSubmit={submit} aria-label="Your details">
      {errors.other && <Alert severity="error">{errors.other}</Alert>}
      {isSuccess && !changed && <Alert severity="success">Your details are saved.</Alert>}
      <TextField
        label="Email"
        value={account.email}
        disabled
        helperText="Your email cannot change."
      />
      <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2}>
        <TextField
          label="First name"
          value={names.first_name}
          onChange={(e) => {
            reset();
            setNames((n) => ({ ...n, first_name: e.target.value }));
          }}
          error={Boolean(errors.fields.first_name)}
          helperText={errors.fields.first_name}
          fullWidth
        />
        <TextField
          label="Last name"
          value={names.last_name}
          onChange={(e) => {
            reset();
            setNames((n) => ({ ...n, last_name: e.target.value }));
          }}
          error={Boolean(errors.fields.last_name)}
          helperText={errors.fields.last_name}
          fullWidth
        />
      </Stack>
      <div>
        <Button type="submit" variant="contained" disabled={!changed || isLoading}>
          {isLoading ? 'Saving…' : 'Save changes'}
        </Button>
      </div>
    </Stack>
  );
}

const PASSWORD_FIELDS = ['current_password', 'new_password', 're_new_password'] as const;

/** Changes the password, then logs in again: a change revokes every refresh token. */
export function PasswordForm({ email }: { email: string }) {
  const empty = { current_password: '', new_password: '', re_new_password: '' };
  const [form, setForm] = useState(empty);
  const [setPassword, change] = useSetPasswordMutation();
  const [login, relogin] = useLoginMutation();
  const [done, setDone] = useState(false);
  const errors = formErrors(change.error ?? relogin.error, PASSWORD_FIELDS);
  const busy = change.isLoading || relogin.isLoading;
  const set =
    (name: (typeof PASSWORD_FIELDS)[number]) => (e: React.ChangeEvent<HTMLInputElement>) => {
      setDone(false);
      setForm((f) => ({ ...f, [name]: e.target.value }));
    };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await setPassword(form);
    if ('error' in result) return;
    const session = await login({ email, password: form.new_password });
    if ('error' in session) return;
    setForm(empty);
    setDone(true);
  };
  return (
    <Stack component="form" spacing={2} onSubmit={submit} noValidate aria-label="Change password">
      {errors.other && <Alert severity="error">{errors.other}</Alert>}
      {done && (
        <Alert severity="success">Your password is changed. Other devices were logged out.</Alert>
      )}
      <PasswordField
        label="Current password"
        autoComplete="current-password"
        value={form.current_password}
        onChange={set('current_password')}
        error={Boolean(errors.fields.current_password)}
        helperText={errors.fields.current_password}
      />
      <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2}>
        <PasswordField
          label="New password"
          autoComplete="new-password"
          value={form.new_password}
          onChange={set('new_password')}
          error={Boolean(errors.fields.new_password)}
          helperText={errors.fields.new_password}
          fullWidth
        />
        <PasswordField
          label="Repeat new password"
          autoComplete="new-password"
          value={form.re_new_password}
          onChange={set('re_new_password')}
          error={Boolean(errors.fields.re_new_password)}
          helperText={errors.fields.re_new_password}
          fullWidth
        />
      </Stack>
      <div>
        <Button
          type="submit"
          variant="contained"
          disabled={busy || !form.current_password || !form.new_password}
        >
          {busy ? 'Changing…' : 'Change password'}
        </Button>
      </div>
    </Stack>
  );
}

/** Deletes the account after asking for the password. */
export function DeleteAccount() {
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState('');
  const [deleteMe, { isLoading, error, reset }] = useDeleteMeMutation();
  const navigate = useNavigate();
  const errors = formErrors(error, ['current_password']);
  const close = () => {
    setOpen(false);
    setPassword('');
    reset();
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await deleteMe({ current_password: password });
    if (!('error' in result)) navigate('/', { replace: true });
  };
  return (
    <>
      <Button color="error" variant="outlined" onClick={() => setOpen(true)}>
        Delete my account
      </Button>
      <Dialog
        open={open}
        onClose={isLoading ? undefined : close}
        aria-labelledby="delete-account-title"
      >
        <form onSubmit={submit} noValidate>
          <DialogTitle id="delete-account-title">Delete your account?</DialogTitle>
          <DialogContent>
            <DialogContentText sx={{ mb: 2 }}>
              Your account, your ratings and your logins are deleted for good. Enter your password
              to confirm.
            </DialogContentText>
            {errors.other && (
              <Alert severity="error" sx={{ mb: 2 }}>
                {errors.other}
              </Alert>
            )}
            <PasswordField
              label="Current password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              error={Boolean(errors.fields.current_password)}
              helperText={errors.fields.current_password}
              fullWidth
              autoFocus
            />
          </DialogContent>
          <DialogActions>
            <Button onClick={close} disabled={isLoading}>
              Cancel
            </Button>
            <Button
              type="submit"
              color="error"
              variant="contained"
              disabled={isLoading || !password}
            >
              {isLoading ? 'Deleting…' : 'Delete account'}
            </Button>
          </DialogActions>
        </form>
      </Dialog>
    </>
  );
}

/** The public profile switch: others may then see the profile page and add the user to groups. */
export function PublicProfileSwitch({ account }: { account: Account }) {
  const [update, { isLoading, error }] = useUpdateMeMutation();
  return (
    <Stack spacing={1}>
      <FormControlLabel
        control={
          <Switch
            checked={account.public_profile}
            disabled={isLoading}
            onChange={(e) => void update({ public_profile: e.target.checked })}
            slotProps={{ input: { 'aria-describedby': 'public-profile-help' } }}
          />
        }
        label="Public profile"
      />
      <Typography id="public-profile-help" variant="body2" sx={{ color: 'text.secondary' }}>
        Others then see your name, the films you rated highest and how well your taste matches
        theirs, and can add you when they pick films to watch together.
        {account.public_profile && (
          <>
            {' '}
            Your page: <Link href={`/users/${account.id}`}>/users/{account.id}</Link>
          </>
        )}
      </Typography>
      {error && <Alert severity="error">{errorMessage(error)}</Alert>}
    </Stack>
  );
}
