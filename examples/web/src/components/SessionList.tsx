import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/client';
import { type ShownProblem, toShownProblem, unreachable } from '../api/problem';
import type { Session } from '../api/types';
import { ProblemMessage } from './ProblemMessage';

/** The user's sessions (devices); this one is marked, any other can be revoked. */
export function SessionList() {
  const [sessions, setSessions] = useState<Session[] | null>(null);
  const [problem, setProblem] = useState<ShownProblem | null>(null);

  const load = useCallback(async () => {
    try {
      const { data, error, response } = await api.GET('/api/v1/auth/sessions');
      if (data) setSessions(data);
      else setProblem(toShownProblem(error, response));
    } catch (failure) {
      setProblem(unreachable(failure));
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  async function revoke(id: string) {
    setProblem(null);
    try {
      const { error, response } = await api.DELETE('/api/v1/auth/sessions/{id}', { params: { path: { id } } });
      if (response.ok) await load();
      else setProblem(toShownProblem(error, response));
    } catch (failure) {
      setProblem(unreachable(failure));
    }
  }

  return (
    <section aria-label="Sessions">
      <h2>Sessions</h2>
      <ProblemMessage problem={problem} />
      <ul className="sessions">
        {(sessions ?? []).map((session) => (
          <li key={session.id} data-testid="session">
            <span>{session.userAgent ?? 'unknown device'}</span> · <span>{session.ip ?? '?'}</span> · <span>last used {new Date(session.lastUsedAt).toLocaleString()}</span>{' '}
            {session.current ? (
              <strong className="this-session">this session</strong>
            ) : (
              <button type="button" onClick={() => void revoke(session.id)}>
                Revoke
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
