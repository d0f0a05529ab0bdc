import { InitialSchema1764316800000 } from './1764316800000-initial-schema.js';

/** Every migration, oldest first. New files are added here too. */
export const MIGRATIONS = [InitialSchema1764316800000];
