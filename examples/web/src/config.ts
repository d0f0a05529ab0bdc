/** Where the tasknest API runs: another origin, allowed by the API's CORS_ORIGINS. Set at build time. */
export const API_URL: string = (import.meta.env.VITE_API_URL ?? 'http://localhost:3000').replace(/\/$/, '');
