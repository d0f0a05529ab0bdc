/**
 * The floor: the least a server can do for the same requests — node:http + pg, no framework.
 * It verifies the same HS256 access token (same key, issuer, audience), checks the same session
 * row, runs the same SQL and writes the same JSON as tasknest, so tasknest's requests/s as a
 * fraction of the floor's says what the framework layers cost.
 *
 * Env: DATABASE_URL, JWT_ACCESS_SECRET, SYNC_TOKEN_SECRET (signs the list cursor, as tasknest does), PORT, JWT_ISSUER (tasknest), JWT_AUDIENCE (tasknest-api),
 * DATABASE_POOL_SIZE (10). Started by bench/run.ts.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import pg from 'pg';
import { TokenSigner } from '../src/tasks/token-signer.js';

const env = process.env;
const secret = Buffer.from(env.JWT_ACCESS_SECRET ?? '', 'utf8');
const cursorSigner = new TokenSigner(env.SYNC_TOKEN_SECRET ?? '', 'tasknest task list cursors');
const issuer = env.JWT_ISSUER ?? 'tasknest';
const audience = env.JWT_AUDIENCE ?? 'tasknest-api';
const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: Number(env.DATABASE_POOL_SIZE ?? 10) });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TASK_COLUMNS = 'id, owner_id, title, description, completed, completed_at, priority, due_date, version, created_at, updated_at';
const DEFAULT_LIMIT = 20;

interface Caller {
  userId: string;
  sessionId: string;
}

interface TaskRow {
  id: string;
  title: string;
  description: string | null;
  completed: boolean;
  completed_at: Date | null;
  priority: string;
  due_date: Date | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/** The CONTRACT's Task. */
function toTask(row: TaskRow) {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    completed: row.completed,
    completedAt: iso(row.completed_at),
    priority: row.priority,
    dueDate: iso(row.due_date),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** HS256 only, signature first (constant time), then the claims tasknest checks. */
function verifyAccessToken(header: string | undefined): { sub: string; sid: string } | null {
  if (!header?.startsWith('Bearer ')) return null;
  const parts = header.slice(7).split('.');
  if (parts.length !== 3) return null;
  const [encodedHeader, encodedPayload, signature] = parts;
  const expected = createHmac('sha256', secret).update(`${encodedHeader}.${encodedPayload}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const head = JSON.parse(Buffer.from(encodedHeader, 'base64url').toString('utf8')) as { alg?: string };
    if (head.alg !== 'HS256') return null;
    const claims = JSON.parse(Buffer.from(encodedPayload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const now = Math.floor(Date.now() / 1000);
    if (claims.typ !== 'access' || claims.iss !== issuer || claims.aud !== audience) return null;
    if (typeof claims.exp !== 'number' || claims.exp <= now) return null;
    if (typeof claims.sub !== 'string' || !UUID.test(claims.sub) || typeof claims.sid !== 'string' || !UUID.test(claims.sid)) return null;
    return { sub: claims.sub, sid: claims.sid };
  } catch {
    return null;
  }
}

/** The same statement as SessionsService.isActive. */
async function authenticate(request: IncomingMessage): Promise<Caller | null> {
  const claims = verifyAccessToken(request.headers.authorization);
  if (!claims) return null;
  const { rows } = await pool.query('SELECT 1 FROM sessions WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL AND expires_at > $3', [
    claims.sid,
    claims.sub,
    new Date(),
  ]);
  return rows.length > 0 ? { userId: claims.sub, sessionId: claims.sid } : null;
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const json = JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(json),
    'Cache-Control': 'no-store',
    'X-Request-Id': randomUUID(),
    ...headers,
  });
  response.end(json);
}

const problem = (status: number, slug: string, detail: string) => ({ type: `https://tasknest.dev/problems/${slug}`, title: slug, status, detail });

function readJson(request: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let raw = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (raw += chunk));
    request.on('end', () => {
      try {
        resolve(raw ? JSON.parse(raw) : {});
      } catch (error) {
        reject(error);
      }
    });
    request.on('error', reject);
  });
}

async function getMe(caller: Caller, response: ServerResponse): Promise<void> {
  const { rows } = await pool.query('SELECT id, email, name, password_hash, email_verified, created_at, updated_at FROM users WHERE id = $1 LIMIT 1', [caller.userId]);
  const user = rows[0];
  if (!user) return send(response, 401, problem(401, 'unauthorized', 'The account no longer exists.'));
  send(response, 200, { id: user.id, email: user.email, name: user.name, emailVerified: user.email_verified, createdAt: user.created_at.toISOString(), updatedAt: user.updated_at.toISOString() });
}

/** The default page, as TaskRepository.list runs it: newest first, ties by id, 20 rows (one more to know a next page follows), plus the total. */
async function listTasks(caller: Caller, response: ServerResponse): Promise<void> {
  const [page, count] = await Promise.all([
    pool.query<TaskRow & { cursor_key: string }>(
      `SELECT ${TASK_COLUMNS}, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_key FROM tasks WHERE owner_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3`,
      [caller.userId, DEFAULT_LIMIT + 1, 0],
    ),
    pool.query<{ total: number }>('SELECT count(*)::int AS total FROM tasks WHERE owner_id = $1', [caller.userId]),
  ]);
  const total = count.rows[0].total;
  const rows = page.rows.slice(0, DEFAULT_LIMIT);
  const last = page.rows.length > DEFAULT_LIMIT ? rows[rows.length - 1] : undefined;
  // The cursor as TaskCursors.encode makes it for the default scope (this user, -createdAt, no filters).
  const payload = last ? Buffer.from(JSON.stringify([last.cursor_key, last.id])).toString('base64url') : null;
  const nextCursor = payload ? `c1.${payload}.${cursorSigner.sign(JSON.stringify([caller.userId, '-createdAt', null, null, null, payload]))}` : null;
  const meta = { page: 1, limit: DEFAULT_LIMIT, total, totalPages: Math.ceil(total / DEFAULT_LIMIT), nextCursor };
  send(response, 200, { data: rows.map(toTask), meta }, nextCursor ? { Link: `</api/v1/tasks?cursor=${nextCursor}>; rel="next"` } : {});
}

/** The same validator as src/tasks/task-etag.ts. */
const etag = (id: string, version: number) => `"v${version}-${id.slice(0, 8).toLowerCase()}"`;

async function getTask(caller: Caller, id: string, response: ServerResponse): Promise<void> {
  if (!UUID.test(id)) return send(response, 404, problem(404, 'not-found', 'The resource does not exist.'));
  const { rows } = await pool.query<TaskRow>(`SELECT ${TASK_COLUMNS} FROM tasks WHERE id = $1 AND owner_id = $2`, [id, caller.userId]);
  if (!rows[0]) return send(response, 404, problem(404, 'not-found', 'The resource does not exist.'));
  send(response, 200, toTask(rows[0]), { ETag: etag(rows[0].id, rows[0].version) });
}

/** POST /tasks without Idempotency-Key: CreateTaskDto's rules for the fields the bench sends, TaskRepository.insert's statement. */
async function createTask(caller: Caller, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const body = (await readJson(request)) as { title?: unknown; description?: unknown; priority?: unknown; dueDate?: unknown; completed?: unknown };
  const title = typeof body.title === 'string' ? body.title.trim() : '';
  if (title.length < 1 || title.length > 200) return send(response, 400, problem(400, 'validation-failed', 'title must be 1–200 characters'));
  const description = typeof body.description === 'string' ? body.description : null;
  const priority = body.priority === 'low' || body.priority === 'high' ? body.priority : 'medium';
  const dueDate = typeof body.dueDate === 'string' ? new Date(body.dueDate) : null;
  const completed = body.completed === true;
  const { rows } = await pool.query<TaskRow>(
    `INSERT INTO tasks (owner_id, title, description, priority, due_date, completed, completed_at)
       VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $6::boolean THEN now() END)
       RETURNING ${TASK_COLUMNS}`,
    [caller.userId, title, description, priority, dueDate, completed],
  );
  const path = (request.url ?? '/').split('?')[0];
  send(response, 201, toTask(rows[0]), { Location: `${path}/${rows[0].id}`, ETag: etag(rows[0].id, rows[0].version) });
}

async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = (request.url ?? '/').split('?')[0];
  if (path === '/health/ready') return send(response, 200, { status: 'ok' });
  const caller = await authenticate(request);
  if (!caller) return send(response, 401, problem(401, 'unauthorized', 'A valid access token is required.'), { 'WWW-Authenticate': 'Bearer realm="tasknest"' });
  if (request.method === 'GET' && path === '/api/v1/users/me') return getMe(caller, response);
  if (request.method === 'GET' && path === '/api/v1/tasks') return listTasks(caller, response);
  if (request.method === 'POST' && path === '/api/v1/tasks') return createTask(caller, request, response);
  if (request.method === 'GET' && path.startsWith('/api/v1/tasks/')) return getTask(caller, path.slice('/api/v1/tasks/'.length), response);
  send(response, 404, problem(404, 'not-found', 'The resource does not exist.'));
}

const server = createServer((request, response) => {
  handle(request, response).catch(() => send(response, 500, problem(500, 'internal-error', 'Something went wrong.')));
});
server.listen(Number(env.PORT ?? 3100), '127.0.0.1');

process.once('SIGTERM', () => {
  server.close();
  void pool.end().then(() => process.exit(0));
});
