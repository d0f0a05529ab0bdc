import type { paths } from './schema';

// Types are read off the operations, not the schema names, so they follow the document whatever its
// components are called.
type JsonOf<T> = T extends { content: { 'application/json': infer Body } } ? Body : never;

// Login answers tokens, or (two-factor accounts) a challenge: AuthResponse is the member with tokens.
export type AuthResponse = Extract<JsonOf<paths['/api/v1/auth/login']['post']['responses'][200]>, { accessToken: string }>;
export type User = AuthResponse['user'];
export type Task = JsonOf<paths['/api/v1/tasks/{id}']['get']['responses'][200]>;
export type TaskPage = JsonOf<paths['/api/v1/tasks']['get']['responses'][200]>;
export type TaskQuery = NonNullable<paths['/api/v1/tasks']['get']['parameters']['query']>;
export type TaskSort = NonNullable<TaskQuery['sort']>;
export type TaskPriority = NonNullable<TaskQuery['priority']>;
export type NewTask = JsonOf<paths['/api/v1/tasks']['post']['requestBody']>;
export type TaskChanges = JsonOf<paths['/api/v1/tasks/{id}']['patch']['requestBody']>;
export type Session = JsonOf<paths['/api/v1/auth/sessions']['get']['responses'][200]>[number];
export type Problem = paths['/api/v1/tasks']['post']['responses'][400]['content']['application/problem+json'];
