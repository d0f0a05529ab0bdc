import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../api/client';
import { type ShownProblem, toShownProblem, unreachable } from '../api/problem';
import type { Task, TaskPage, TaskPriority, TaskQuery, TaskSort } from '../api/types';
import { FieldError, ProblemMessage } from './ProblemMessage';
import { TaskEditor } from './TaskEditor';

const PAGE_SIZE = 5;
type Filter = 'all' | 'open' | 'done';
const completedFor: Record<Filter, boolean | undefined> = { all: undefined, open: false, done: true };
const SORTS: { value: TaskSort; label: string }[] = [
  { value: '-createdAt', label: 'newest first' },
  { value: 'createdAt', label: 'oldest first' },
  { value: 'title', label: 'title A–Z' },
  { value: '-priority', label: 'priority high–low' },
  { value: 'dueDate', label: 'due soonest' },
];

/** A new key for every new draft: a double-click or a retry of the same draft sends the same key, so the API makes one task. */
// crypto.randomUUID exists only in secure contexts (https, localhost); getRandomValues everywhere.
const newIdempotencyKey = () =>
  typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('');

export function TaskBoard() {
  const [filter, setFilter] = useState<Filter>('all');
  const [searchInput, setSearchInput] = useState('');
  const [search, setSearch] = useState('');
  const [sort, setSort] = useState<TaskSort>('-createdAt');
  const [page, setPage] = useState(1);
  const [tasks, setTasks] = useState<TaskPage | null>(null);
  const [counts, setCounts] = useState<{ open: number; done: number } | null>(null);
  const [problem, setProblem] = useState<ShownProblem | null>(null);
  const [editing, setEditing] = useState<string | null>(null);

  const [title, setTitle] = useState('');
  const [priority, setPriority] = useState<TaskPriority>('medium');
  const [createProblem, setCreateProblem] = useState<ShownProblem | null>(null);
  const idempotencyKey = useRef(newIdempotencyKey());

  /** The page and both counters, in parallel (after the access token expired, all three get 401 together and share one refresh). */
  const load = useCallback(async () => {
    const query: TaskQuery = { page, limit: PAGE_SIZE, sort, ...(search ? { q: search } : {}) };
    const completed = completedFor[filter];
    if (completed !== undefined) query.completed = completed;
    const count = (done: boolean) => api.GET('/api/v1/tasks', { params: { query: { completed: done, limit: 1 } } });
    try {
      const [list, open, done] = await Promise.all([api.GET('/api/v1/tasks', { params: { query } }), count(false), count(true)]);
      if (list.data) setTasks(list.data);
      if (open.data && done.data) setCounts({ open: open.data.meta.total ?? 0, done: done.data.meta.total ?? 0 });
      const failed = [list, open, done].find((result) => !result.data);
      setProblem(failed ? toShownProblem(failed.error, failed.response) : null);
    } catch (failure) {
      setProblem(unreachable(failure));
    }
  }, [filter, search, sort, page]);

  useEffect(() => {
    void load();
  }, [load]);

  async function create(event: FormEvent) {
    event.preventDefault();
    setCreateProblem(null);
    try {
      const { data, error, response } = await api.POST('/api/v1/tasks', {
        params: { header: { 'Idempotency-Key': idempotencyKey.current } },
        body: { title, priority },
      });
      // 409: the same draft is still being created by an earlier click; its answer will land.
      if (response.status === 409) return;
      if (!data) {
        setCreateProblem(toShownProblem(error, response));
        return;
      }
      setTitle('');
      idempotencyKey.current = newIdempotencyKey();
      await load();
    } catch (failure) {
      setCreateProblem(unreachable(failure));
    }
  }

  async function run(call: () => Promise<{ error?: unknown; response: Response }>) {
    try {
      const { error, response } = await call();
      if (!response.ok) setProblem(toShownProblem(error, response));
      else await load();
    } catch (failure) {
      setProblem(unreachable(failure));
    }
  }

  const toggle = (task: Task) => run(() => api.PATCH('/api/v1/tasks/{id}/complete', { params: { path: { id: task.id } }, body: { completed: !task.completed } }));
  const remove = (task: Task) => run(() => api.DELETE('/api/v1/tasks/{id}', { params: { path: { id: task.id } } }));

  const changeDraft = (change: () => void) => {
    change();
    // Another draft, another intent: a new key (the old one with another body would get 422).
    idempotencyKey.current = newIdempotencyKey();
  };

  return (
    <section aria-label="Tasks">
      <form className="create" onSubmit={create} aria-label="Create a task">
        <label>
          New task
          <input value={title} onChange={(event) => changeDraft(() => setTitle(event.target.value))} placeholder="What needs doing?" />
          <FieldError problem={createProblem} field="title" />
        </label>
        <select aria-label="Priority" value={priority} onChange={(event) => changeDraft(() => setPriority(event.target.value as TaskPriority))}>
          <option value="low">low</option>
          <option value="medium">medium</option>
          <option value="high">high</option>
        </select>
        <button type="submit">Add task</button>
      </form>
      <ProblemMessage problem={createProblem} />

      <div className="toolbar">
        <div role="group" aria-label="Filter">
          {(['all', 'open', 'done'] as const).map((value) => (
            <button
              key={value}
              type="button"
              aria-pressed={filter === value}
              onClick={() => {
                setFilter(value);
                setPage(1);
              }}
            >
              {value}
              {value === 'open' && counts ? ` (${counts.open})` : ''}
              {value === 'done' && counts ? ` (${counts.done})` : ''}
            </button>
          ))}
        </div>
        <form
          role="search"
          onSubmit={(event) => {
            event.preventDefault();
            setSearch(searchInput.trim());
            setPage(1);
          }}
        >
          <input aria-label="Search" value={searchInput} onChange={(event) => setSearchInput(event.target.value)} placeholder="Search" />
          <button type="submit">Search</button>
        </form>
        <label>
          Sort
          <select
            value={sort}
            onChange={(event) => {
              setSort(event.target.value as TaskSort);
              setPage(1);
            }}
          >
            {SORTS.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => void load()}>
          Reload
        </button>
      </div>
      <ProblemMessage problem={problem} />

      <ul className="tasks" aria-label="Task list">
        {(tasks?.data ?? []).map((task) => (
          <li key={task.id} data-testid="task" data-completed={task.completed}>
            {editing === task.id ? (
              <TaskEditor
                taskId={task.id}
                onDone={() => {
                  setEditing(null);
                  void load();
                }}
              />
            ) : (
              <>
                <input type="checkbox" aria-label={`Done: ${task.title}`} checked={task.completed} onChange={() => void toggle(task)} />
                <span className="title">{task.title}</span> <span className={`priority ${task.priority}`}>{task.priority}</span>{' '}
                <button type="button" onClick={() => setEditing(task.id)}>
                  Edit
                </button>{' '}
                <button type="button" onClick={() => void remove(task)}>
                  Delete
                </button>
              </>
            )}
          </li>
        ))}
      </ul>
      {tasks && tasks.meta.total === 0 && <p className="empty">No tasks here.</p>}
      {tasks && (
        <nav className="pager" aria-label="Pages">
          <button type="button" disabled={page <= 1} onClick={() => setPage(page - 1)}>
            Previous
          </button>
          <span>
            Page {(tasks.meta.totalPages ?? 0) === 0 ? 0 : page} of {tasks.meta.totalPages ?? 0} · {tasks.meta.total ?? 0} tasks
          </span>
          <button type="button" disabled={page >= (tasks.meta.totalPages ?? 0)} onClick={() => setPage(page + 1)}>
            Next
          </button>
        </nav>
      )}
    </section>
  );
}
