import { assertRenamePrefix, checkRestoreInput } from '../../src/restore/restore-input';

describe('restore input', () => {
  it('accepts index-name prefixes', () => {
    for (const ok of ['restored-', 'drill-abc123-', 'r.', 'a']) expect(assertRenamePrefix(ok)).toBe(ok);
  });

  it('refuses prefixes that are no start of an index name or that rename_replacement would interpret', () => {
    for (const bad of [
      '',
      'Restored-',
      '-x',
      '_x',
      '.x',
      'a/b',
      'a b',
      'a*',
      'a,b',
      '$1-',
      'a\\1',
      'x'.repeat(101),
    ]) {
      expect(() => assertRenamePrefix(bad)).toThrow('Invalid rename prefix');
    }
    expect(() => assertRenamePrefix('$1')).toThrow(
      'Invalid rename prefix "$1" (--rename-prefix): expected the start of an index name',
    );
  });

  it('checks the archive id too', () => {
    expect(() => checkRestoreInput({ archiveId: '../x', renamePrefix: 'restored-' })).toThrow(
      'Invalid archive id "../x"',
    );
    expect(() =>
      checkRestoreInput({ archiveId: '2026-11-21_logs', renamePrefix: 'restored-' }),
    ).not.toThrow();
  });
});
