/** A new task starts at version 1 (the column default); every write adds one. */
export const FIRST_VERSION = 1;

const TASK_ETAG = /^"v(\d{1,9})-([0-9a-f]{8})"$/;

/**
 * A strong validator from the version column: `"v<version>-<first 8 hex digits of the id>"`. The id
 * part keeps one task's tag from matching another's. Opaque to clients.
 */
export function taskEtag(id: string, version: number): string {
  return `"v${version}-${id.slice(0, 8).toLowerCase()}"`;
}

/** The versions of this task named by If-Match tags; tags of other tasks or foreign shapes name none. */
export function versionsIn(tags: readonly string[], id: string): number[] {
  const idPart = id.slice(0, 8).toLowerCase();
  return tags.flatMap((tag) => {
    const match = TASK_ETAG.exec(tag);
    return match && match[2] === idPart ? [Number(match[1])] : [];
  });
}
