import * as assert from 'node:assert/strict';
import { countLineBreaks, shiftSpan } from '../../../src/extension/audit/lineShift';

describe('finding line tracking while editing', () => {
  it('moves a finding down when lines are inserted above it', () => {
    assert.deepEqual(shiftSpan({ startLine: 10, endLine: 12 }, [{ startLine: 2, endLine: 2, insertedLineBreaks: 3 }]), { startLine: 13, endLine: 15 });
  });

  it('moves a finding up when lines above it are deleted', () => {
    assert.deepEqual(shiftSpan({ startLine: 10, endLine: 12 }, [{ startLine: 3, endLine: 6, insertedLineBreaks: 0 }]), { startLine: 7, endLine: 9 });
  });

  it('keeps a finding when the edit is below it', () => {
    assert.deepEqual(shiftSpan({ startLine: 10, endLine: 12 }, [{ startLine: 13, endLine: 20, insertedLineBreaks: 0 }]), { startLine: 10, endLine: 12 });
  });

  it('treats Enter at the end of the line above as an insertion above', () => {
    assert.deepEqual(shiftSpan({ startLine: 10, endLine: 10 }, [{ startLine: 9, endLine: 9, insertedLineBreaks: 1 }]), { startLine: 11, endLine: 11 });
  });

  it('drops a finding whose own lines were edited', () => {
    assert.equal(shiftSpan({ startLine: 10, endLine: 12 }, [{ startLine: 11, endLine: 11, insertedLineBreaks: 0 }]), null);
    assert.equal(shiftSpan({ startLine: 10, endLine: 12 }, [{ startLine: 5, endLine: 10, insertedLineBreaks: 0 }]), null);
  });

  it('applies several changes of one event in order (bottom-up, as VS Code reports them)', () => {
    const edits = [{ startLine: 30, endLine: 30, insertedLineBreaks: 2 }, { startLine: 1, endLine: 1, insertedLineBreaks: 1 }];
    assert.deepEqual(shiftSpan({ startLine: 10, endLine: 10 }, edits), { startLine: 11, endLine: 11 });
  });

  it('counts line breaks', () => {
    assert.equal(countLineBreaks(''), 0);
    assert.equal(countLineBreaks('a\nb\r\nc\n'), 3);
  });
});
