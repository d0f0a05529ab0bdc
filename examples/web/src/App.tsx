import { useEffect, useState } from 'react';
import { api, refreshOnce } from './api/client';
import { tokens } from './api/tokens';
import type { User } from './api/types';
import { AuthScreen } from './components/AuthScreen';
import { SessionList } from './components/SessionList';
import { TaskBoard } from './components/TaskBoard';

type AuthState = { status: 'starting' } | { status: 'signed-out'; notice: string | null } | { status: 'signed-in'; user: User };

export function App() {
  const [auth, setAuth] = useState<AuthState>({ status: 'starting' });
  const [view, setView] = useState<'tasks' | 'sessions'>('tasks');

  useEffect(() => tokens.onSignedOut((notice) => setAuth({ status: 'signed-out', notice })), []);

  // After a reload only the refresh token is left: trade it for a new pair.
  useEffect(() => {
    if (tokens.refreshToken() === null) {
      setAuth({ status: 'signed-out', notice: null });
      return;
    }
    refreshOnce().then(
      (outcome) => {
        if (outcome.kind === 'refreshed') setAuth({ status: 'signed-in', user: outcome.user });
        else if (outcome.kind === 'failed') setAuth({ status: 'signed-out', notice: `The API answered ${outcome.response.status}; please log in again.` });
      },
      () => setAuth({ status: 'signed-out', notice: 'The API could not be reached.' }),
    );
  }, []);

  if (auth.status === 'starting') return <p className="starting">Loading…</p>;
  if (auth.status === 'signed-out') return <AuthScreen notice={auth.notice} onSignedIn={(user) => setAuth({ status: 'signed-in', user })} />;

  async function logout(everywhere: boolean) {
    // Whatever the answer, this browser forgets its tokens.
    await (everywhere ? api.POST('/api/v1/auth/logout-all') : api.POST('/api/v1/auth/logout')).catch(() => undefined);
    tokens.clear();
  }

  return (
    <div className="app">
      <header>
        <h1>tasknest</h1>
        <span className="who">Signed in as {auth.user.name ?? auth.user.email}</span>
        <nav>
          <button type="button" aria-pressed={view === 'tasks'} onClick={() => setView('tasks')}>
            Tasks
          </button>
          <button type="button" aria-pressed={view === 'sessions'} onClick={() => setView('sessions')}>
            Sessions
          </button>
          <button type="button" onClick={() => void logout(false)}>
            Log out
          </button>
          <button type="button" onClick={() => void logout(true)}>
            Log out everywhere
          </button>
        </nav>
      </header>
      {view === 'tasks' ? <TaskBoard /> : <SessionList />}
    </div>
  );
}
