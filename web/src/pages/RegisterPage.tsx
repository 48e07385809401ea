import { useState, type FormEvent } from 'react';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Link from '@mui/material/Link';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { useLoginMutation, useRegisterMutation } from '../api/auth';
import { formErrors } from '../api/errors';
import { useAppSelector } from '../app/hooks';
import { usePageTitle } from '../app/usePageTitle';
import { AuthCard, safeNext } from '../features/auth/AuthCard';
import { selectIsLoggedIn } from '../features/auth/authSlice';
import { PasswordField } from '../features/auth/PasswordField';

const FIELDS = ['first_name', 'last_name', 'email', 'password', 're_password'] as const;

export default function RegisterPage() {
  usePageTitle('Create an account');
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'), '/taste');
  const loggedIn = useAppSelector(selectIsLoggedIn);
  const navigate = useNavigate();
  const [register, registration] = useRegisterMutation();
  const [login, loginState] = useLoginMutation();
  const [form, setForm] = useState({
    first_name: '',
    last_name: '',
    email: '',
    password: '',
    re_password: '',
  });
  const errors = formErrors(registration.error ?? loginState.error, FIELDS);
  const busy = registration.isLoading || loginState.isLoading;

  if (loggedIn && !busy) return <Navigate to={next} replace />;

  const set = (name: (typeof FIELDS)[number]) => (e: React.ChangeEvent<HTMLInputElement>) =>
    setForm((f) => ({ ...f, [name]: e.target.value }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const account = { ...form, email: form.email.trim() };
    const created = await register(account);
    if ('error' in created) return;
    // Log straight in with the new account.
    const session = await login({ email: account.email, password: account.password });
    if (!('error' in session)) navigate(next, { replace: true });
  };

  return (
    <AuthCard
      title="Create your account"
      subtitle="Rate movies, get recommendations that learn from you, and share your own posts."
    >
      <Stack component="form" spacing={2} onSubmit={submit} noValidate aria-label="Sign up">
        {errors.other && <Alert severity="error">{errors.other}</Alert>}
        <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2}>
          <TextField
            label="First name"
            autoComplete="given-name"
            value={form.first_name}
            onChange={set('first_name')}
            error={Boolean(errors.fields.first_name)}
            helperText={errors.fields.first_name}
            fullWidth
          />
          <TextField
            label="Last name"
            autoComplete="family-name"
            value={form.last_name}
            onChange={set('last_name')}
            error={Boolean(errors.fields.last_name)}
            helperText={errors.fields.last_name}
            fullWidth
          />
        </Stack>
        <TextField
          label="Email"
          type="email"
          autoComplete="email"
          required
          value={form.email}
          onChange={set('email')}
          error={Boolean(errors.fields.email)}
          helperText={errors.fields.email}
        />
        <PasswordField
          label="Password"
          autoComplete="new-password"
          required
          value={form.password}
          onChange={set('password')}
          error={Boolean(errors.fields.password)}
          helperText={
            errors.fields.password ??
            'At least 8 characters and hard to guess: a few unrelated words work well.'
          }
        />
        <PasswordField
          label="Repeat password"
          autoComplete="new-password"
          required
          value={form.re_password}
          onChange={set('re_password')}
          error={Boolean(errors.fields.re_password)}
          helperText={errors.fields.re_password}
        />
        <Button type="submit" variant="contained" size="large" disabled={busy}>
          {busy ? 'Creating your account…' : 'Create account'}
        </Button>
        <Typography variant="body2" sx={{ color: 'text.secondary', textAlign: 'center' }}>
          Already have an account? <Link href="/login">Log in</Link>
        </Typography>
      </Stack>
    </AuthCard>
  );
}
