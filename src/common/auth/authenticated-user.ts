/** Who is calling: set on the request by the access-token strategy once the session is known alive. */
export interface AuthenticatedUser {
  userId: string;
  sessionId: string;
}
