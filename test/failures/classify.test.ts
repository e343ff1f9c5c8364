// The failure classifier against the real tools' texts (test/fixtures/failure-texts.ts says where each comes
// from), and what it keeps of a line: one line, bounded, no secret.
import { describe, expect, it } from 'vitest';
import { CATALOGUE, remedyFor, UNKNOWN } from '../../lib/failures/catalogue';
import { classifyFailure, explain, knownFailure, MESSAGE_MAX } from '../../lib/failures/classify';
import { FAILURE_TEXTS } from '../fixtures/failure-texts';

describe('classifyFailure on real failure texts', () => {
  it.each(FAILURE_TEXTS.map((t) => [t.code, t.source, t]))('%s from %s', (_code, _source, fixture) => {
    const failure = classifyFailure(fixture.step, fixture.text);
    expect(failure.code).toBe(fixture.code);
    expect(failure.step).toBe(fixture.step);
  });

  it('every catalogue code is reached by at least one fixture', () => {
    const reached = new Set(FAILURE_TEXTS.map((t) => classifyFailure(t.step, t.text).code));
    expect(CATALOGUE.map((entry) => entry.code).filter((code) => !reached.has(code))).toEqual([]);
  });

  it('keeps the line that identified the code, without the document marker', () => {
    const failure = classifyFailure(
      'refresh',
      'GMSA-READY-REFRESH error systemctl restart credentials-fetcher failed\nJob for credentials-fetcher.service failed because the control process exited with error code.',
    );
    expect(failure).toEqual({
      step: 'refresh',
      code: 'refresh-credentials-fetcher-failed',
      message: 'Job for credentials-fetcher.service failed because the control process exited with error code.',
    });
  });

  it('reads codes of the failed step only: "Access is denied" is a join problem at join, a rights problem at authorize', () => {
    expect(classifyFailure('join', 'Access is denied').code).toBe('join-access-denied');
    expect(classifyFailure('authorize', 'Access is denied').code).toBe('group-insufficient-rights');
    // A join text at a group change is not taken for a join failure.
    expect(classifyFailure('authorize', 'The account already exists').code).toBe('unknown');
  });

  it('a more specific entry wins over a general one on the same output (clock skew inside an authentication error)', () => {
    const text = "Couldn't authenticate as: admin@CORP.EXAMPLE.COM: Clock skew too great";
    expect(classifyFailure('join', text).code).toBe('join-clock-skew');
  });
});

describe('unknown output', () => {
  it('gives code unknown with the first line', () => {
    expect(classifyFailure('join', '\n  something nobody has seen before  \nsecond line\n')).toEqual({
      step: 'join',
      code: 'unknown',
      message: 'something nobody has seen before',
    });
  });

  it("prefers the document's own error line over tool chatter before it", () => {
    const text = 'Installing components...\nGMSA-READY-JOIN error renaming the host to EC2AMAZ-AB12CD failed';
    expect(classifyFailure('join', text).message).toBe('renaming the host to EC2AMAZ-AB12CD failed');
  });

  it('says so when there was no output at all', () => {
    expect(classifyFailure('join', '').message).toBe('(no output)');
  });

  it('has its own remedy', () => {
    expect(remedyFor('unknown')).toBe(UNKNOWN.remedy);
  });
});

describe('what a failure keeps', () => {
  it('one line, bounded to MESSAGE_MAX characters', () => {
    const failure = classifyFailure('join', `${'x'.repeat(5000)}\nsecond`);
    expect(failure.message.length).toBe(MESSAGE_MAX);
    expect(failure.message).not.toContain('\n');
  });

  it('no control characters: an escape sequence in the output cannot reach a terminal or a tag', () => {
    const failure = classifyFailure('join', 'bad \u001b[31mred\u001b[0m \u202Ereversed\u0007');
    expect(failure.message).not.toMatch(/[\p{Cc}\p{Cf}]/u);
    expect(failure.message).toBe('bad [31mred [0m reversed');
  });

  it('no secret: password=, JSON "password":, access keys and tokens are redacted, the words alone are not', () => {
    const text =
      'join failed for user=admin password=Hunter2! {"password": "s3cr3t"} token: abc.def AKIAABCDEFGHIJKLMNOP';
    const message = classifyFailure('join', text).message;
    for (const secret of ['Hunter2', 's3cr3t', 'abc.def', 'AKIAABCDEFGHIJKLMNOP'])
      expect(message).not.toContain(secret);
    expect(message).toContain('user=admin');
    expect(classifyFailure('join', 'The user name or password is incorrect.').code).toBe('join-access-denied');
  });

  it('explain adds the remedy of the code', () => {
    const failure = knownFailure('verify', 'lifecycle-action-expired', 'lifecycle action expired');
    expect(explain(failure)).toEqual({ ...failure, remedy: remedyFor('lifecycle-action-expired') });
    expect(explain(failure).remedy).toMatch(/HeartbeatTimeout/);
  });
});

describe('the catalogue', () => {
  it('codes are unique and each has patterns, a summary, a remedy and sources', () => {
    const codes = CATALOGUE.map((entry) => entry.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const entry of CATALOGUE) {
      expect(entry.patterns.length, entry.code).toBeGreaterThan(0);
      expect(entry.summary.length, entry.code).toBeGreaterThan(10);
      expect(entry.remedy.length, entry.code).toBeGreaterThan(10);
      expect(entry.sources.length, entry.code).toBeGreaterThan(0);
    }
  });

  it('covers every failure the issue names', () => {
    const codes = new Set<string>(CATALOGUE.map((entry) => entry.code));
    const named = [
      'join-domain-not-found',
      'join-dc-unreachable',
      'join-access-denied',
      'join-account-exists',
      'join-ou-not-found',
      'join-clock-skew',
      'group-insufficient-rights',
      'group-not-found',
      'group-ad-module-missing',
      'group-adws-unreachable',
      'refresh-credentials-fetcher-failed',
      'refresh-ecs-agent-restart-failed',
      'verify-capability-missing',
      'verify-credspec-not-found',
      'verify-credspec-access-denied',
      'verify-credspec-invalid',
      'verify-ecs-not-registered',
      'agent-never-online',
      'agent-platform-mismatch',
      'lifecycle-action-expired',
    ];
    expect(named.filter((code) => !codes.has(code))).toEqual([]);
  });
});
