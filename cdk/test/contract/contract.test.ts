// The contract between the construct and the function: stacks that set every property of ConnectUser are
// synthesized, the custom resources' Properties are taken from the templates as CloudFormation would send them
// (every scalar a string), and the real function handles them as a Create, an Update with every value changed,
// and a second Create (the `password` path), against the Amazon Connect emulator, through the local runner
// (`cargo run -p local-runner -- --json`). Every value is then checked in Connect as the emulator holds it.
//
// A property the construct misspells is an unknown key to the function, which fails the request; a value sent
// under the wrong name is caught by the comparison. The expected values below are written from the camelCase
// inputs by hand, never through the construct's table.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import {
  Channel,
  ConnectUser,
  ConnectUserProps,
  ConnectUserProvider,
  PhoneType,
  VoiceEnhancementMode,
} from '../../lib';
import { wirePaths } from '../../lib/properties';
import { only, placeholderCode, REPOSITORY, resourcesOf } from '../helpers';

// What the emulator seeds (crates/connect-emulator/src/connect/seed.rs, secrets/mod.rs); the runner's JSON
// repeats the instance and secret, and the test checks they agree.
const INSTANCE = 'arn:aws:connect:us-east-1:123456789012:instance/a1b2c3d4-0000-4000-8000-000000000001';
const ROUTING_PROFILE = `${INSTANCE}/routing-profile/b1000000-0000-4000-8000-000000000001`;
const ROUTING_PROFILE_SALES = `${INSTANCE}/routing-profile/b1000000-0000-4000-8000-000000000002`;
const SECURITY_PROFILE_AGENT = `${INSTANCE}/security-profile/c1000000-0000-4000-8000-000000000001`;
const SECURITY_PROFILE_QA = `${INSTANCE}/security-profile/c1000000-0000-4000-8000-000000000003`;
const HIERARCHY_GROUP_1 = `${INSTANCE}/agent-group/d1000000-0000-4000-8000-000000000001`;
const HIERARCHY_GROUP_2 = `${INSTANCE}/agent-group/d1000000-0000-4000-8000-000000000002`;
const TRAFFIC_DISTRIBUTION_GROUP =
  'arn:aws:connect:us-east-1:123456789012:traffic-distribution-group/e1000000-0000-4000-8000-000000000002';
const SECRET = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:connect/agents/credentials-9m9wk1';
const SECRET_JSON_KEY = 'password';

const SERVICE_TOKEN = 'arn:aws:lambda:us-east-1:123456789012:function:cfn-connect-user';
const STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/contract/6e0a3f10-cd7a-11ef-8a4b-0e1b2c3d4e5f';
/** The runner replaces a user ARN in PhysicalResourceId with the user its previous Create made. */
const PLACEHOLDER_USER = `${INSTANCE}/agent/00000000-0000-4000-8000-000000000000`;

/** The users' props: the ARN properties as strings (or their names), the secret by its ARN. */
type Props = Omit<
  ConnectUserProps,
  | 'provider'
  | 'passwordSecret'
  | 'routingProfileArn'
  | 'securityProfileArns'
  | 'hierarchyGroupArn'
  | 'trafficDistributionGroupArns'
> & {
  routingProfileArn?: string;
  securityProfileArns?: string[];
  hierarchyGroupArn?: string;
  trafficDistributionGroupArns?: string[];
  passwordSecretArn?: string;
};

/** Where a user's props place it, as ARNs: what names resolve to, checked against Connect. */
type Placement = { routingProfile: string; securityProfiles: string[]; hierarchyGroup: string };

/** Jane, created: every property that a Create can take together (PhoneConfig, not its per-channel lists). */
const created: Props = {
  instanceArn: INSTANCE,
  username: 'jane.roe',
  routingProfileArn: ROUTING_PROFILE,
  securityProfileArns: [SECURITY_PROFILE_AGENT],
  passwordSecretArn: SECRET,
  passwordSecretJsonKey: SECRET_JSON_KEY,
  directoryUserId: 'directory-jane',
  hierarchyGroupArn: HIERARCHY_GROUP_1,
  identityInfo: {
    firstName: 'Jane',
    lastName: 'Roe',
    email: 'jane.roe@example.com',
    secondaryEmail: 'jane@example.org',
    mobile: '+14155550123',
  },
  phoneConfig: {
    phoneType: PhoneType.DESK_PHONE,
    autoAccept: true,
    afterContactWorkTimeLimit: 120,
    deskPhoneNumber: '+14155550100',
    persistentConnection: true,
  },
  voiceEnhancementConfigs: [{ channel: Channel.VOICE, voiceEnhancementMode: VoiceEnhancementMode.NOISE_SUPPRESSION }],
  userProficiencies: [{ attributeName: 'Language', attributeValue: 'English', level: 3 }],
  tags: [
    { key: 'team', value: 'support' },
    { key: 'cost-centre', value: 'cc-1234' },
  ],
  adoptExisting: true,
  reconcileToken: 'first',
  serviceTimeout: Duration.minutes(5),
};

const createdAt: Placement = {
  routingProfile: ROUTING_PROFILE,
  securityProfiles: [SECURITY_PROFILE_AGENT],
  hierarchyGroup: HIERARCHY_GROUP_1,
};

/** Jane, updated: every value changed, the profiles and hierarchy by name, a traffic distribution group joined,
 * and the per-channel lists in place of PhoneConfig. */
const updated: Props = {
  instanceArn: INSTANCE,
  username: 'jane.roe',
  routingProfileName: 'Sales',
  securityProfileNames: ['Agent', 'QualityAnalyst'],
  passwordSecretArn: SECRET,
  passwordSecretJsonKey: SECRET_JSON_KEY,
  directoryUserId: 'directory-jane',
  hierarchyGroupPath: 'Americas/Seattle',
  trafficDistributionGroupArns: [TRAFFIC_DISTRIBUTION_GROUP],
  identityInfo: {
    firstName: 'Janet',
    lastName: 'Roe-Smith',
    email: 'janet.roe@example.com',
    secondaryEmail: 'janet@example.org',
    mobile: '+14155550199',
  },
  autoAcceptConfigs: [
    { channel: Channel.VOICE, autoAccept: false, agentFirstCallbackAutoAccept: true },
    { channel: Channel.CHAT, autoAccept: true },
  ],
  afterContactWorkConfigs: [
    {
      channel: Channel.VOICE,
      afterContactWorkConfig: { afterContactWorkTimeLimit: 300 },
      agentFirstCallbackAfterContactWorkConfig: { afterContactWorkTimeLimit: 60 },
    },
  ],
  phoneNumberConfigs: [{ channel: Channel.VOICE, phoneType: PhoneType.DESK_PHONE, phoneNumber: '+14155550111' }],
  persistentConnectionConfigs: [{ channel: Channel.VOICE, persistentConnection: false }],
  voiceEnhancementConfigs: [{ channel: Channel.VOICE, voiceEnhancementMode: VoiceEnhancementMode.VOICE_ISOLATION }],
  userProficiencies: [{ attributeName: 'Skill', attributeValue: 'Billing', level: 5 }],
  tags: [{ key: 'team', value: 'sales' }],
  adoptExisting: false,
  reconcileToken: 'second',
  serviceTimeout: Duration.minutes(10),
};

/** What Jane's updated names stand for in the seeded instance. */
const updatedAt: Placement = {
  routingProfile: ROUTING_PROFILE_SALES,
  securityProfiles: [SECURITY_PROFILE_AGENT, SECURITY_PROFILE_QA],
  hierarchyGroup: HIERARCHY_GROUP_2,
};

/** John: the `password` path, which excludes `passwordSecret`. */
const withPassword: Props = {
  instanceArn: INSTANCE,
  username: 'john.doe',
  routingProfileArn: ROUTING_PROFILE,
  securityProfileArns: [SECURITY_PROFILE_AGENT],
  password: 'Welcome-2026-Agent',
  identityInfo: { firstName: 'John', lastName: 'Doe' },
};

/** The Custom::ConnectUser of a stack holding only this user, and its logical id. */
function synthesize(id: string, props: Props): { logicalId: string; properties: Record<string, any> } {
  const stack = new Stack(new App(), 'Contract');
  const provider = new ConnectUserProvider(stack, 'Provider', { instanceArns: [INSTANCE], code: placeholderCode() });
  const { passwordSecretArn, ...rest } = props;
  new ConnectUser(stack, id, {
    ...rest,
    provider,
    passwordSecret:
      passwordSecretArn === undefined
        ? undefined
        : secretsmanager.Secret.fromSecretCompleteArn(stack, 'PasswordSecret', passwordSecretArn),
  });
  const [logicalId, resource] = only(resourcesOf(stack), ConnectUser.RESOURCE_TYPE);
  return { logicalId, properties: resource.Properties };
}

/** As CloudFormation sends them: the ServiceToken resolved, every scalar a string. */
function asSent(properties: Record<string, any>): Record<string, any> {
  const stringify = (value: any): any =>
    Array.isArray(value)
      ? value.map(stringify)
      : value !== null && typeof value === 'object'
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, stringify(v)]))
        : String(value);
  const sent = stringify({ ...properties, ServiceToken: SERVICE_TOKEN });
  assert.doesNotMatch(JSON.stringify(sent), /"(Ref|Fn::\w+)"/, 'no unresolved token left');
  return sent;
}

/** The PascalCase paths a properties object sets (lists contribute their entries' fields). */
function pathsOf(value: any, prefix = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((item) => pathsOf(item, prefix));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, v]) => [`${prefix}${key}`, ...pathsOf(v, `${prefix}${key}.`)]);
}

type Step = {
  requestType: string;
  response: Record<string, any> | null;
  invocationError: string | null;
  connectCalls: { operation: string; status: number }[];
  secretsCalls: { operation: string; status: number; secretId: string | null }[];
  user: Record<string, any> | null;
};

const idOf = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);
const withoutOwnerTag = (tags: Record<string, string>) =>
  Object.fromEntries(Object.entries(tags).filter(([key]) => key !== 'connect-user-resource:owner'));
const channelEntry = (list: any[] | undefined, channel: string) => (list ?? []).find((e) => e.Channel === channel);

/** Everything both Jane's Create and Update set, checked against the user as Connect holds it. */
function assertCommon(user: Record<string, any>, props: Props, at: Placement) {
  assert.equal(user.Username, props.username);
  assert.equal(user.Arn.split('/agent/')[0], props.instanceArn);
  assert.equal(user.RoutingProfileId, idOf(at.routingProfile));
  assert.deepEqual([...user.SecurityProfileIds].sort(), at.securityProfiles.map(idOf).sort());
  assert.equal(user.HierarchyGroupId, idOf(at.hierarchyGroup));
  assert.equal(user.DirectoryUserId, props.directoryUserId);
  const info = props.identityInfo!;
  assert.deepEqual(user.IdentityInfo, {
    FirstName: info.firstName,
    LastName: info.lastName,
    Email: info.email,
    SecondaryEmail: info.secondaryEmail,
    Mobile: info.mobile,
  });
  const voiceEnhancement = props.voiceEnhancementConfigs![0];
  assert.deepEqual(channelEntry(user.VoiceEnhancementConfigs, voiceEnhancement.channel), {
    Channel: voiceEnhancement.channel,
    VoiceEnhancementMode: voiceEnhancement.voiceEnhancementMode,
  });
  assert.deepEqual(
    user.UserProficiencyList,
    props.userProficiencies!.map((p) => ({ AttributeName: p.attributeName, AttributeValue: p.attributeValue, Level: p.level })),
  );
  assert.deepEqual(withoutOwnerTag(user.Tags), Object.fromEntries(props.tags!.map((t) => [t.key, t.value])));
}

describe('the construct and the function agree on every property', () => {
  let work: string;
  let steps: Step[];
  let sent: Record<string, any>[];

  before(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'cfn-connect-user-contract-'));
    const jane = synthesize('Jane', created);
    const janeUpdated = synthesize('Jane', updated);
    const john = synthesize('John', withPassword);
    assert.equal(janeUpdated.logicalId, jane.logicalId, 'the same resource in both templates');
    sent = [jane, janeUpdated, john].map((s) => asSent(s.properties));

    const event = (n: number, requestType: string, logicalId: string, extra: Record<string, any>) => ({
      RequestType: requestType,
      ServiceToken: SERVICE_TOKEN,
      ResponseURL: 'https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/replaced-by-the-runner',
      StackId: STACK_ID,
      RequestId: `5f0a9a2e-3b1c-4d5e-8f70-00000000000${n}`,
      LogicalResourceId: logicalId,
      ResourceType: ConnectUser.RESOURCE_TYPE,
      ...extra,
    });
    const events = [
      event(1, 'Create', jane.logicalId, { ResourceProperties: sent[0] }),
      event(2, 'Update', jane.logicalId, {
        PhysicalResourceId: PLACEHOLDER_USER,
        ResourceProperties: sent[1],
        OldResourceProperties: sent[0],
      }),
      event(3, 'Create', john.logicalId, { ResourceProperties: sent[2] }),
    ];
    const files = events.map((e, i) => {
      const file = path.join(work, `${i + 1}-${e.RequestType.toLowerCase()}.json`);
      fs.writeFileSync(file, JSON.stringify(e, null, 2));
      return file;
    });

    // Cargo's progress goes to stderr, shown as it comes; the runner's JSON document is its only stdout.
    const run = spawnSync('cargo', ['run', '--quiet', '--locked', '-p', 'local-runner', '--', '--json', ...files], {
      cwd: REPOSITORY,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 64 * 1024 * 1024,
    });
    assert.equal(run.status, 0, `the local runner failed: ${run.error ?? ''}`);
    const report = JSON.parse(run.stdout);
    assert.equal(report.emulator.instanceArn, INSTANCE, 'the seeded instance');
    assert.equal(report.emulator.secretArn, SECRET, 'the seeded secret');
    assert.equal(report.emulator.secretJsonKey, SECRET_JSON_KEY);
    steps = report.steps;
  });

  after(() => fs.rmSync(work, { recursive: true, force: true }));

  it('sends every property and every field of the construct', () => {
    const covered = new Set(sent.flatMap((properties) => pathsOf(properties)));
    const missing = wirePaths().filter((p) => !covered.has(p));
    assert.deepEqual(missing, [], 'every entry of the table is exercised');
  });

  it('answers SUCCESS to all three requests', () => {
    assert.equal(steps.length, 3);
    for (const step of steps) {
      assert.equal(step.invocationError, null);
      assert.equal(step.response?.Status, 'SUCCESS', step.response?.Reason);
    }
    assert.equal(steps[1].response!.PhysicalResourceId, steps[0].response!.PhysicalResourceId, 'updated in place');
  });

  it('creates Jane with every property of the Create in Connect', () => {
    const { user, response, secretsCalls } = steps[0];
    assert.ok(user);
    assertCommon(user, created, createdAt);
    const phone = created.phoneConfig!;
    assert.deepEqual(user.PhoneConfig, {
      PhoneType: phone.phoneType,
      AutoAccept: phone.autoAccept,
      AfterContactWorkTimeLimit: phone.afterContactWorkTimeLimit,
      DeskPhoneNumber: phone.deskPhoneNumber,
      PersistentConnection: phone.persistentConnection,
    });
    // The password came from the secret, under the JSON key: one read of that secret, answered.
    assert.deepEqual(secretsCalls, [{ operation: 'GetSecretValue', status: 200, secretId: created.passwordSecretArn }]);
    assert.deepEqual(response!.Data, {
      UserArn: user.Arn,
      UserId: user.Id,
      InstanceArn: created.instanceArn,
      Username: created.username,
      RoutingProfileArn: createdAt.routingProfile,
      SecurityProfileArns: createdAt.securityProfiles.join(','),
      HierarchyGroupArn: createdAt.hierarchyGroup,
    });
  });

  it('updates Jane in place to every changed value, the per-channel lists included', () => {
    const { user, secretsCalls, connectCalls, response } = steps[1];
    assert.ok(user);
    assertCommon(user, updated, updatedAt);
    // The names resolved in the instance, given back as ARNs; the group joined.
    assert.equal(response!.Data.RoutingProfileArn, updatedAt.routingProfile);
    assert.deepEqual(response!.Data.SecurityProfileArns.split(',').sort(), [...updatedAt.securityProfiles].sort());
    assert.equal(response!.Data.HierarchyGroupArn, updatedAt.hierarchyGroup);
    assert.ok(
      connectCalls.some((c) => c.operation === 'AssociateTrafficDistributionGroupUser' && c.status === 200),
      'joined the traffic distribution group',
    );
    for (const entry of updated.autoAcceptConfigs!) {
      assert.deepEqual(channelEntry(user.AutoAcceptConfigs, entry.channel), {
        Channel: entry.channel,
        AutoAccept: entry.autoAccept,
        ...(entry.agentFirstCallbackAutoAccept === undefined
          ? {}
          : { AgentFirstCallbackAutoAccept: entry.agentFirstCallbackAutoAccept }),
      });
    }
    const [acw] = updated.afterContactWorkConfigs!;
    assert.deepEqual(channelEntry(user.AfterContactWorkConfigs, acw.channel), {
      Channel: acw.channel,
      AfterContactWorkConfig: { AfterContactWorkTimeLimit: acw.afterContactWorkConfig.afterContactWorkTimeLimit },
      AgentFirstCallbackAfterContactWorkConfig: {
        AfterContactWorkTimeLimit: acw.agentFirstCallbackAfterContactWorkConfig!.afterContactWorkTimeLimit,
      },
    });
    const [phoneNumber] = updated.phoneNumberConfigs!;
    assert.deepEqual(channelEntry(user.PhoneNumberConfigs, phoneNumber.channel), {
      Channel: phoneNumber.channel,
      PhoneType: phoneNumber.phoneType,
      PhoneNumber: phoneNumber.phoneNumber,
    });
    const [persistent] = updated.persistentConnectionConfigs!;
    assert.deepEqual(channelEntry(user.PersistentConnectionConfigs, persistent.channel), {
      Channel: persistent.channel,
      PersistentConnection: persistent.persistentConnection,
    });
    assert.deepEqual(secretsCalls, [], 'an in-place Update reads no password');
    assert.ok(!connectCalls.some((c) => c.operation === 'CreateUser'), 'no replacement');
  });

  it('creates John with his Password', () => {
    const { user, response, secretsCalls, connectCalls } = steps[2];
    assert.ok(user);
    assert.equal(user.Username, withPassword.username);
    assert.deepEqual(user.IdentityInfo, {
      FirstName: withPassword.identityInfo!.firstName,
      LastName: withPassword.identityInfo!.lastName,
    });
    assert.notEqual(response!.PhysicalResourceId, steps[0].response!.PhysicalResourceId);
    assert.deepEqual(secretsCalls, []);
    // A CONNECT_MANAGED instance takes no user without a password: the CreateUser that succeeded carried it.
    assert.ok(connectCalls.some((c) => c.operation === 'CreateUser' && c.status === 200));
  });
});
