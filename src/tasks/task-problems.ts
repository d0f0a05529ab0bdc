import { ApiProblem } from '../common/problem/api-problem.js';

/** One answer for another user's task, an unknown id and a malformed id: it never tells which. */
export const taskNotFound = () => ApiProblem.notFound('The task does not exist.');
