import { type FormEvent, useState } from 'react';
import { publicApi } from '../api/client';
import { type ShownProblem, toShownProblem, unreachable } from '../api/problem';
import { tokens } from '../api/tokens';
import type { User } from '../api/types';
import { FieldError, ProblemMessage } from './ProblemMessage';

export function AuthScreen({ notice, onSignedIn }: { notice: string | null; onSignedIn: (user: User) => void }) {
  const [mode, setMode] = useState<'login' | 'register'>('login');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [name, setName] = useState('');
  const [problem, setProblem] = useState<ShownProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirmEmail, setConfirmEmail] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const { data, error, response } =
        mode === 'login'
          ? await publicApi.POST('/api/v1/auth/login', { body: { email, password } })
          : await publicApi.POST('/api/v1/auth/register', { body: { email, password, ...(name ? { name } : {}) } });
      if (data && 'emailVerificationRequired' in data) {
        // The server runs with REQUIRE_VERIFIED_EMAIL=true: no tokens until the emailed link is opened.
        setConfirmEmail(true);
        setMode('login');
      } else if (data && 'mfaRequired' in data) {
        // Two-factor sign-in (POST /api/v1/auth/login/mfa) is not part of this example yet.
        setProblem({ title: 'Two-factor sign-in required', detail: 'This account uses an authenticator app; this example cannot finish that sign-in yet.', fields: {}, status: response.status, retryAfterSeconds: null });
      } else if (data) {
        tokens.store(data);
        onSignedIn(data.user);
      } else setProblem(toShownProblem(error, response));
    } catch (failure) {
      setProblem(unreachable(failure));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="auth">
      <h1>tasknest</h1>
      {notice && <p className="notice">{notice}</p>}
      {confirmEmail && <p className="notice">Check your inbox: open the link we sent to confirm your address, then log in.</p>}
      <div className="tabs" role="tablist">
        <button role="tab" aria-selected={mode === 'login'} onClick={() => setMode('login')}>
          Log in
        </button>
        <button role="tab" aria-selected={mode === 'register'} onClick={() => setMode('register')}>
          Sign up
        </button>
      </div>
      <form onSubmit={submit} aria-label={mode === 'login' ? 'Log in' : 'Sign up'}>
        <label>
          Email
          <input type="email" autoComplete="username" value={email} onChange={(event) => setEmail(event.target.value)} required />
          <FieldError problem={problem} field="email" />
        </label>
        <label>
          Password
          <input type="password" autoComplete={mode === 'login' ? 'current-password' : 'new-password'} value={password} onChange={(event) => setPassword(event.target.value)} required />
          <FieldError problem={problem} field="password" />
        </label>
        {mode === 'register' && (
          <label>
            Name (optional)
            <input value={name} onChange={(event) => setName(event.target.value)} />
            <FieldError problem={problem} field="name" />
          </label>
        )}
        <button type="submit" disabled={busy}>
          {mode === 'login' ? 'Log in' : 'Create account'}
        </button>
      </form>
      <ProblemMessage problem={problem} />
    </main>
  );
}
