import { describe, expect, it } from '@jest/globals';
import { taskEtag, versionsIn } from './task-etag.js';

const ID = '0f9c1c8e-8a4e-4b9e-9d6e-3f2a1b0c9d8e';

describe('task ETags', () => {
  it('is a quoted strong validator made of the version and the start of the id', () => {
    expect(taskEtag(ID, 3)).toBe('"v3-0f9c1c8e"');
  });

  it('reads back the versions of this task only', () => {
    expect(versionsIn([taskEtag(ID, 3), taskEtag(ID, 5)], ID)).toEqual([3, 5]);
    expect(versionsIn([taskEtag('11111111-8a4e-4b9e-9d6e-3f2a1b0c9d8e', 3)], ID)).toEqual([]);
  });

  it('ignores tags of other shapes, including versions too large for the column', () => {
    expect(versionsIn(['"3"', '"v-0f9c1c8e"', '"v1234567890-0f9c1c8e"', 'v3-0f9c1c8e'], ID)).toEqual([]);
  });
});
