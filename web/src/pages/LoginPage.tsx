import { useState, type FormEvent } from 'react';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import Link from '@mui/material/Link';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { useLoginMutation } from '../api/auth';
import { formErrors } from '../api/errors';
import { useAppSelector } from '../app/hooks';
import { usePageTitle } from '../app/usePageTitle';
import { AuthCard, safeNext } from '../features/auth/AuthCard';
import { selectIsLoggedIn } from '../features/auth/authSlice';
import { PasswordField } from '../features/auth/PasswordField';

export default function LoginPage() {
  usePageTitle('Log in');
  const [params] = useSearchParams();
  const next = safeNext(params.get('next'));
  const loggedIn = useAppSelector(selectIsLoggedIn);
  const navigate = useNavigate();
  const [login, { isLoading, error }] = useLoginMutation();
  const [email, setEmail] = useState(params.get('email') ?? '');
  const [password, setPassword] = useState('');
  const errors = formErrors(error, ['email', 'password']);

  if (loggedIn && !isLoading) return <Navigate to={next} replace />;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await login({ email: email.trim(), password });
    if (!('error' in result)) navigate(next, { replace: true });
  };

  return (
    <AuthCard title="Log in" subtitle="Welcome back. Your recommendations are waiting.">
      <Stack component="form" spacing={2} onSubmit={submit} noValidate aria-label="Log in">
        {errors.other && <Alert severity="error">{errors.other}</Alert>}
        <TextField
          label="Email"
          type="email"
          autoComplete="email"
          required
          autoFocus
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={Boolean(errors.fields.email)}
          helperText={errors.fields.email}
        />
        <PasswordField
          label="Password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={Boolean(errors.fields.password)}
          helperText={errors.fields.password}
        />
        <Button type="submit" variant="contained" size="large" disabled={isLoading}>
          {isLoading ? 'Logging in…' : 'Log in'}
        </Button>
        <Typography variant="body2" sx={{ color: 'text.secondary', textAlign: 'center' }}>
          New to NextFlex?{' '}
          <Link href={`/register${next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`}>
            Create an account
          </Link>
        </Typography>
      </Stack>
    </AuthCard>
  );
}
