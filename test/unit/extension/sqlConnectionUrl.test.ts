import * as assert from 'node:assert/strict';
import { connectionKind, effectiveConnection, passwordKey, redactUrl, splitPassword, validateServerUrl } from '../../../src/extension/sql/connectionUrl';

describe('SQL connection URLs (extension)', () => {
  it('names the engine of every accepted form and rejects the rest with what to do', () => {
    assert.equal(connectionKind(''), 'embedded');
    assert.equal(connectionKind('  embedded '), 'embedded');
    assert.equal(connectionKind('postgres://u@h/db'), 'postgres');
    assert.equal(connectionKind('PostgreSQL://u@h/db'), 'postgres');
    assert.equal(connectionKind('mysql://root@127.0.0.1:3306/test'), 'mysql');
    assert.equal(connectionKind('mariadb://root@h/test'), 'mysql');
    assert.equal(connectionKind('sqlite:data/app.db'), 'sqlite');
    assert.throws(() => connectionKind('http://db.example/x'), /not a database URL.*postgres:\/\/.*Choose SQL connection/s);
  });

  it('validates what the user types and says what is missing', () => {
    assert.equal(validateServerUrl('postgres://postgres@127.0.0.1:5432/postgres', 'postgres'), undefined);
    assert.equal(validateServerUrl('postgresql://app@db.internal/shop', 'postgres'), undefined);
    assert.equal(validateServerUrl('mariadb://root@127.0.0.1/test', 'mysql'), undefined);
    assert.match(validateServerUrl('', 'postgres')!, /Enter a URL such as postgres:\/\//);
    assert.match(validateServerUrl('not a url', 'mysql')!, /Not a URL/);
    assert.match(validateServerUrl('mysql://root@h/test', 'postgres')!, /starts with postgres:\/\//);
    assert.match(validateServerUrl('postgres://u@h:5432', 'postgres')!, /database name/);
    assert.match(validateServerUrl('postgres://u@h:5432/', 'postgres')!, /database name/);
  });

  it('splits a password typed into the URL off, decoded, so it never reaches settings', () => {
    assert.deepEqual(splitPassword('postgres://app:s%40cr%3At@db:5432/shop'), { url: 'postgres://app@db:5432/shop', password: 's@cr:t' });
    assert.deepEqual(splitPassword(' mysql://root@127.0.0.1:3306/test '), { url: 'mysql://root@127.0.0.1:3306/test' });
  });

  it('keys a password by login, not by workspace, and by engine family', () => {
    assert.equal(passwordKey('postgres://app@db:5432/shop'), 'stakes.sql.password:postgres://app@db:5432/shop');
    assert.equal(passwordKey('postgresql://app@db:5432/shop'), passwordKey('postgres://app@db:5432/shop'));
    assert.equal(passwordKey('mariadb://root@h:3306/test'), passwordKey('mysql://root@h:3306/test'));
    assert.notEqual(passwordKey('postgres://app@db:5432/shop'), passwordKey('postgres://app@db:5432/other'));
    assert.notEqual(passwordKey('postgres://app@db:5432/shop'), passwordKey('postgres://admin@db:5432/shop'));
    assert.equal(passwordKey('sqlite:app.db'), undefined);
    assert.equal(passwordKey(''), undefined);
  });

  it('redacts passwords in URLs shown to the user', () => {
    assert.equal(redactUrl('postgres://app:hunter2@db:5432/shop'), 'postgres://app:***@db:5432/shop');
    assert.equal(redactUrl('postgres://app@db:5432/shop'), 'postgres://app@db:5432/shop');
    assert.equal(redactUrl('sqlite:app.db'), 'sqlite:app.db');
  });

  it('takes no connection from an untrusted workspace, and says which one it ignored', () => {
    const scopes = { globalValue: 'postgres://me@127.0.0.1:5432/dev', workspaceValue: 'postgres://me@evil.example:5432/x' };
    assert.deepEqual(effectiveConnection('postgres://me@evil.example:5432/x', scopes, true), { connection: 'postgres://me@evil.example:5432/x' });
    assert.deepEqual(effectiveConnection('postgres://me@evil.example:5432/x', scopes, false),
      { connection: 'postgres://me@127.0.0.1:5432/dev', ignoredUntrustedConnection: 'postgres://me@evil.example:5432/x' });
    // No user value: the embedded engine, never the workspace's server.
    assert.deepEqual(effectiveConnection('mysql://root@evil.example/x', { workspaceFolderValue: 'mysql://root@evil.example/x' }, false),
      { connection: '', ignoredUntrustedConnection: 'mysql://root@evil.example/x' });
    // Only the user's value: nothing ignored.
    assert.deepEqual(effectiveConnection('sqlite:a.db', { globalValue: 'sqlite:a.db' }, false), { connection: 'sqlite:a.db' });
  });
});
