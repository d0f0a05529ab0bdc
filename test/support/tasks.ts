import { expect } from '@jest/globals';
import { bearer, type RegisteredUser } from './factories.js';
import type { TestApp } from './test-app.js';

export interface TaskBody {
  id: string;
  title: string;
  description: string | null;
  completed: boolean;
  completedAt: string | null;
  priority: 'low' | 'medium' | 'high';
  dueDate: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Creates a task through the public API, as a client would. */
export async function createTask(t: TestApp, user: RegisteredUser, body: Record<string, unknown> = {}): Promise<TaskBody> {
  const response = await t.http().post('/api/v1/tasks').set(bearer(user.accessToken)).send({ title: 'A task', ...body });
  expect(response.status).toBe(201);
  return response.body as TaskBody;
}

export const ISO_DATE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
