import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/** A parsed If-Match header: `*`, or the strong entity tags it lists. Null when the header is absent. */
export type IfMatch = '*' | readonly string[] | null;

const ENTITY_TAG = /(W\/)?("[^"]*")/g;

function listedTags(header: string): { tag: string; weak: boolean }[] {
  return [...header.matchAll(ENTITY_TAG)].map((match) => ({ tag: match[2], weak: match[1] !== undefined }));
}

/** If-Match compares strongly (RFC 9110 §13.1.1): weak tags never match, and neither does an unparseable value. */
export function parseIfMatch(header: string | undefined): IfMatch {
  if (header === undefined) return null;
  if (header.trim() === '*') return '*';
  return listedTags(header)
    .filter((entry) => !entry.weak)
    .map((entry) => entry.tag);
}

/** If-None-Match compares weakly (RFC 9110 §13.1.2): `W/"x"` matches `"x"`. */
export function ifNoneMatchMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  return listedTags(header).some((entry) => entry.tag === etag);
}

export const IfMatchHeader = createParamDecorator((_data: unknown, context: ExecutionContext): IfMatch => {
  const header = context.switchToHttp().getRequest<FastifyRequest>().headers['if-match'];
  return parseIfMatch(header);
});
