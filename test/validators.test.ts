import {
  slugify,
  validateAwsAccountId,
  validateAwsRegion,
  validateEcrRepository,
  validateEmail,
  validateFlyteDomain,
  validateFlyteEndpoint,
  validateFreeText,
  validateProjectName,
  validatePythonVersion,
  validateSlug,
} from '../shared/validators.js';

describe('slugify', () => {
  it.each([
    ['Churn Model', 'churn-model'],
    ['  churn_model v2 ', 'churn-model-v2'],
    ['Crème Brûlée', 'creme-brulee'],
    ['--Fraud--Detector--', 'fraud-detector'],
    ['A'.repeat(70), 'a'.repeat(70)],
  ])('%s -> %s', (name, slug) => expect(slugify(name)).toBe(slug));
});

describe('validateSlug (DNS-1123 label, <= 63)', () => {
  it.each(['a', 'churn-model', 'm2', 'a'.repeat(63)])('accepts %s', (value) => expect(validateSlug(value)).toBe(true));
  it.each(['', '-a', 'a-', 'Churn', 'a_b', 'a.b', 'a'.repeat(64)])('refuses %p', (value) =>
    expect(validateSlug(value)).toEqual(expect.any(String)),
  );
  it('names the rule', () => expect(validateSlug('a_b')).toContain('DNS-1123'));
});

describe('validateProjectName', () => {
  it('accepts a name that makes a slug', () => expect(validateProjectName('Churn Model')).toBe(true));
  it.each(['', '   ', '!!!', '日本'])('refuses %p, naming the rule', (value) =>
    expect(validateProjectName(value)).toMatch(/empty|no letter or digit/),
  );
  it('refuses a name whose slug is longer than 63', () => expect(validateProjectName('x'.repeat(64))).toContain('63'));
});

describe('validateEcrRepository', () => {
  it.each(['churn-model', 'team/churn-model', 'a.b_c-d', 'ml/team/model2'])('accepts %s', (value) =>
    expect(validateEcrRepository(value)).toBe(true),
  );
  it.each(['a', 'Churn', 'a//b', '/a', 'a/', 'a--b-', 'a b', 'x'.repeat(257)])('refuses %p', (value) =>
    expect(validateEcrRepository(value)).toEqual(expect.any(String)),
  );
});

describe('validateAwsAccountId', () => {
  it('accepts 12 digits', () => expect(validateAwsAccountId('123456789012')).toBe(true));
  it.each(['12345678901', '1234567890123', '12345678901a', ''])('refuses %p', (value) =>
    expect(validateAwsAccountId(value)).toContain('12 digits'),
  );
});

describe('validateAwsRegion', () => {
  it.each(['us-east-1', 'eu-west-2', 'ap-southeast-1', 'us-gov-west-1', 'cn-north-1', 'eu-central-2', 'il-central-1'])(
    'accepts %s',
    (value) => expect(validateAwsRegion(value)).toBe(true),
  );
  it.each(['us-east', 'US-EAST-1', 'useast1', 'mars-north-1', ''])('refuses %p', (value) =>
    expect(validateAwsRegion(value)).toContain('us-east-1'),
  );
  it('refuses an availability zone, naming its region', () => expect(validateAwsRegion('eu-west-1a')).toBe('"eu-west-1a" is not an AWS region but an availability zone of eu-west-1 (Ireland)'));
});

describe('other answers', () => {
  it('email: a valid address or empty', () => {
    expect(validateEmail('ml@example.com')).toBe(true);
    expect(validateEmail('')).toBe(true);
    expect(validateEmail('not an email')).toEqual(expect.any(String));
    expect(validateEmail('a"b@c.d')).toEqual(expect.any(String));
  });
  it('python: 3.10, 3.11 or 3.12', () => {
    expect(['3.10', '3.11', '3.12'].map(validatePythonVersion)).toEqual([true, true, true]);
    expect(validatePythonVersion('3.9')).toContain('3.10, 3.11, 3.12');
    expect(validatePythonVersion('3.13')).toEqual(expect.any(String));
  });
  it('flyte domain: a DNS label', () => {
    expect(validateFlyteDomain('development')).toBe(true);
    expect(validateFlyteDomain('Dev Env')).toEqual(expect.any(String));
  });
  it('flyte endpoint: host:port, dns:///host:port or a URL, nothing a shell would run', () => {
    for (const ok of ['localhost:30080', 'dns:///flyte.example.com:443', 'https://flyte.example.com', 'flyte.internal'])
      expect(validateFlyteEndpoint(ok)).toBe(true);
    for (const bad of ['', 'host:port', 'a b', 'x;rm -rf /', '$(id)', 'https://a/b'])
      expect(validateFlyteEndpoint(bad)).toEqual(expect.any(String));
  });
  it('free text: refuses control characters', () => {
    expect(validateFreeText('quotes " \' `$(x)` <% %> \\ ok')).toBe(true);
    expect(validateFreeText('bell\u0007')).toContain('control');
  });
});
