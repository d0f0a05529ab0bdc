import { type FormEvent, useEffect, useState } from 'react';
import { api } from '../api/client';
import { type ShownProblem, toShownProblem, unreachable } from '../api/problem';
import type { Task, TaskPriority } from '../api/types';
import { FieldError, ProblemMessage } from './ProblemMessage';

interface Draft {
  title: string;
  description: string;
  priority: TaskPriority;
}

const draftOf = (task: Task): Draft => ({ title: task.title, description: task.description ?? '', priority: task.priority });

/** Edits one task with If-Match: if it changed elsewhere since it was opened, the API answers 412 and the editor offers the current version. */
export function TaskEditor({ taskId, onDone }: { taskId: string; onDone: () => void }) {
  const [draft, setDraft] = useState<Draft | null>(null);
  const [etag, setEtag] = useState<string | null>(null);
  const [current, setCurrent] = useState<Task | null>(null);
  const [problem, setProblem] = useState<ShownProblem | null>(null);
  const [busy, setBusy] = useState(false);

  async function load(): Promise<Task | null> {
    const { data, error, response } = await api.GET('/api/v1/tasks/{id}', { params: { path: { id: taskId } } });
    if (!data) {
      setProblem(toShownProblem(error, response));
      return null;
    }
    setEtag(response.headers.get('ETag'));
    return data;
  }

  useEffect(() => {
    load().then((task) => task && setDraft(draftOf(task)), (failure: unknown) => setProblem(unreachable(failure)));
  }, [taskId]);

  async function save(event: FormEvent) {
    event.preventDefault();
    if (draft === null) return;
    setBusy(true);
    setProblem(null);
    try {
      const { data, error, response } = await api.PATCH('/api/v1/tasks/{id}', {
        params: { path: { id: taskId }, header: etag ? { 'If-Match': etag } : {} },
        body: { title: draft.title, description: draft.description === '' ? null : draft.description, priority: draft.priority },
      });
      if (data) onDone();
      else if (response.status === 412) setCurrent(await load());
      else setProblem(toShownProblem(error, response));
    } catch (failure) {
      setProblem(unreachable(failure));
    } finally {
      setBusy(false);
    }
  }

  if (draft === null) return <ProblemMessage problem={problem} />;
  return (
    <form className="editor" onSubmit={save} aria-label="Edit task">
      <label>
        Title
        <input value={draft.title} onChange={(event) => setDraft({ ...draft, title: event.target.value })} />
        <FieldError problem={problem} field="title" />
      </label>
      <label>
        Description
        <textarea value={draft.description} onChange={(event) => setDraft({ ...draft, description: event.target.value })} />
        <FieldError problem={problem} field="description" />
      </label>
      <label>
        Priority
        <select value={draft.priority} onChange={(event) => setDraft({ ...draft, priority: event.target.value as TaskPriority })}>
          <option value="low">low</option>
          <option value="medium">medium</option>
          <option value="high">high</option>
        </select>
      </label>
      {current && (
        <div role="alert" className="conflict">
          <p>This task was changed elsewhere since you opened it. Its current version:</p>
          <p className="current-version">
            <strong>{current.title}</strong> ({current.priority}){current.description ? ` — ${current.description}` : ''}
          </p>
          <button
            type="button"
            onClick={() => {
              setDraft(draftOf(current));
              setCurrent(null);
            }}
          >
            Use the current version
          </button>{' '}
          <span>or save again to replace it with yours.</span>
        </div>
      )}
      <button type="submit" disabled={busy}>
        Save
      </button>{' '}
      <button type="button" onClick={onDone}>
        Cancel
      </button>
      <ProblemMessage problem={problem} />
    </form>
  );
}
