// ConnectUser: every property under its wire name, the attributes, the grants, and the few rules checked at
// synth.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as connect from 'aws-cdk-lib/aws-connect';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import {
  Channel,
  ConnectUser,
  ConnectUserProps,
  ConnectUserProvider,
  PhoneType,
  ProviderMode,
  VoiceEnhancementMode,
} from '../../lib';
import { WIRE_NAMES } from '../../lib/properties';
import { only, placeholderCode, REPOSITORY, Resource, resourcesOf, statementsOfRole } from '../helpers';

const I = 'arn:aws:connect:us-east-1:111122223333:instance/11111111-2222-3333-4444-555555555555';
const TDG = 'arn:aws:connect:us-east-1:111122223333:traffic-distribution-group/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
const TDG_2 = 'arn:aws:connect:us-west-2:111122223333:traffic-distribution-group/ffffffff-bbbb-cccc-dddd-eeeeeeeeeeee';

function stackWithProvider(mode = ProviderMode.DIRECT) {
  const stack = new Stack(new App(), 'Test');
  const provider = new ConnectUserProvider(stack, 'Provider', { instanceArns: [I], code: placeholderCode(), mode });
  return { stack, provider };
}

const required = (provider: ConnectUserProvider) => ({
  provider,
  instanceArn: I,
  username: 'jane.roe',
  routingProfileArn: `${I}/routing-profile/rp`,
  securityProfileArns: [`${I}/security-profile/sp`],
});

function userResource(stack: Stack) {
  return only(resourcesOf(stack), ConnectUser.RESOURCE_TYPE);
}

describe('ConnectUser', () => {
  it('sends every property under the name of AWS::Connect::User (or of the extension)', () => {
    const { stack, provider } = stackWithProvider();
    new ConnectUser(stack, 'Jane', {
      ...required(provider),
      password: 'Welcome-2026-Agent',
      directoryUserId: 'dir-1',
      hierarchyGroupArn: `${I}/agent-group/g`,
      identityInfo: {
        firstName: 'Jane',
        lastName: 'Roe',
        email: 'jane@example.com',
        secondaryEmail: 'j@example.org',
        mobile: '+14155550123',
      },
      phoneConfig: {
        phoneType: PhoneType.DESK_PHONE,
        autoAccept: true,
        afterContactWorkTimeLimit: 60,
        deskPhoneNumber: '+14155550100',
        persistentConnection: false,
      },
      autoAcceptConfigs: [{ channel: Channel.CHAT, autoAccept: true, agentFirstCallbackAutoAccept: false }],
      afterContactWorkConfigs: [
        {
          channel: Channel.TASK,
          afterContactWorkConfig: { afterContactWorkTimeLimit: 30 },
          agentFirstCallbackAfterContactWorkConfig: { afterContactWorkTimeLimit: 10 },
        },
      ],
      phoneNumberConfigs: [{ channel: Channel.VOICE, phoneType: PhoneType.SOFT_PHONE, phoneNumber: '+14155550101' }],
      persistentConnectionConfigs: [{ channel: Channel.VOICE, persistentConnection: true }],
      voiceEnhancementConfigs: [{ channel: Channel.VOICE, voiceEnhancementMode: VoiceEnhancementMode.NOISE_SUPPRESSION }],
      userProficiencies: [{ attributeName: 'Language', attributeValue: 'English', level: 3.5 }],
      tags: [{ key: 'team', value: 'support' }],
      trafficDistributionGroupArns: [TDG, TDG_2],
      adoptExisting: true,
      reconcileToken: '2026-01',
    });
    const { ServiceToken, ...properties } = userResource(stack)[1].Properties;
    assert.ok(ServiceToken['Fn::GetAtt'], 'the provider function');
    assert.deepEqual(properties, {
      InstanceArn: I,
      Username: 'jane.roe',
      RoutingProfileArn: `${I}/routing-profile/rp`,
      SecurityProfileArns: [`${I}/security-profile/sp`],
      Password: 'Welcome-2026-Agent',
      DirectoryUserId: 'dir-1',
      HierarchyGroupArn: `${I}/agent-group/g`,
      IdentityInfo: {
        FirstName: 'Jane',
        LastName: 'Roe',
        Email: 'jane@example.com',
        SecondaryEmail: 'j@example.org',
        Mobile: '+14155550123',
      },
      PhoneConfig: {
        PhoneType: 'DESK_PHONE',
        AutoAccept: true,
        AfterContactWorkTimeLimit: 60,
        DeskPhoneNumber: '+14155550100',
        PersistentConnection: false,
      },
      AutoAcceptConfigs: [{ Channel: 'CHAT', AutoAccept: true, AgentFirstCallbackAutoAccept: false }],
      AfterContactWorkConfigs: [
        {
          Channel: 'TASK',
          AfterContactWorkConfig: { AfterContactWorkTimeLimit: 30 },
          AgentFirstCallbackAfterContactWorkConfig: { AfterContactWorkTimeLimit: 10 },
        },
      ],
      PhoneNumberConfigs: [{ Channel: 'VOICE', PhoneType: 'SOFT_PHONE', PhoneNumber: '+14155550101' }],
      PersistentConnectionConfigs: [{ Channel: 'VOICE', PersistentConnection: true }],
      VoiceEnhancementConfigs: [{ Channel: 'VOICE', VoiceEnhancementMode: 'NOISE_SUPPRESSION' }],
      UserProficiencies: [{ AttributeName: 'Language', AttributeValue: 'English', Level: 3.5 }],
      Tags: [{ Key: 'team', Value: 'support' }],
      TrafficDistributionGroupArns: [TDG, TDG_2],
      AdoptExisting: true,
      ReconcileToken: '2026-01',
    });
  });

  it('sends the names that stand for the ARNs under their own names', () => {
    const { stack, provider } = stackWithProvider();
    const { routingProfileArn: _r, securityProfileArns: _s, ...rest } = required(provider);
    new ConnectUser(stack, 'Jane', {
      ...rest,
      routingProfileName: 'Basic Routing Profile',
      securityProfileNames: ['Agent', 'QualityAnalyst'],
      hierarchyGroupPath: 'Europe/Berlin/Team 4',
    });
    const { ServiceToken: _, ...properties } = userResource(stack)[1].Properties;
    assert.deepEqual(properties, {
      InstanceArn: I,
      Username: 'jane.roe',
      RoutingProfileName: 'Basic Routing Profile',
      SecurityProfileNames: ['Agent', 'QualityAnalyst'],
      HierarchyGroupPath: 'Europe/Berlin/Team 4',
    });
  });

  describe('takes the aws_connect L1 resources for the ARN properties', () => {
    function withL1s() {
      const { stack, provider } = stackWithProvider();
      const routingProfile = new connect.CfnRoutingProfile(stack, 'RoutingProfile', {
        instanceArn: I,
        name: 'Support',
        description: 'Support',
        defaultOutboundQueueArn: `${I}/queue/q`,
        mediaConcurrencies: [{ channel: 'VOICE', concurrency: 1 }],
      });
      const securityProfile = new connect.CfnSecurityProfile(stack, 'SecurityProfile', {
        instanceArn: I,
        securityProfileName: 'Support agent',
      });
      const hierarchyGroup = new connect.CfnUserHierarchyGroup(stack, 'HierarchyGroup', {
        instanceArn: I,
        name: 'Team 4',
      });
      const group = new connect.CfnTrafficDistributionGroup(stack, 'Group', { instanceArn: I, name: 'global' });
      return { stack, provider, routingProfile, securityProfile, hierarchyGroup, group };
    }

    it('sends each one as its ARN attribute, beside plain ARNs in the lists', () => {
      const { stack, provider, routingProfile, securityProfile, hierarchyGroup, group } = withL1s();
      new ConnectUser(stack, 'Jane', {
        ...required(provider),
        routingProfileArn: routingProfile,
        securityProfileArns: [securityProfile, `${I}/security-profile/sp`],
        hierarchyGroupArn: hierarchyGroup,
        trafficDistributionGroupArns: [TDG, group],
      });
      const r = resourcesOf(stack);
      const idOf = (type: string) => only(r, type)[0];
      const properties = userResource(stack)[1].Properties;
      assert.deepEqual(properties.RoutingProfileArn, {
        'Fn::GetAtt': [idOf('AWS::Connect::RoutingProfile'), 'RoutingProfileArn'],
      });
      assert.deepEqual(properties.SecurityProfileArns, [
        { 'Fn::GetAtt': [idOf('AWS::Connect::SecurityProfile'), 'SecurityProfileArn'] },
        `${I}/security-profile/sp`,
      ]);
      assert.deepEqual(properties.HierarchyGroupArn, {
        'Fn::GetAtt': [idOf('AWS::Connect::UserHierarchyGroup'), 'UserHierarchyGroupArn'],
      });
      assert.deepEqual(properties.TrafficDistributionGroupArns, [
        TDG,
        { 'Fn::GetAtt': [idOf('AWS::Connect::TrafficDistributionGroup'), 'TrafficDistributionGroupArn'] },
      ]);
    });

    it('imports the ARN of an L1 resource of another stack', () => {
      const app = new App();
      const shared = new Stack(app, 'Shared');
      const routingProfile = new connect.CfnRoutingProfile(shared, 'RoutingProfile', {
        instanceArn: I,
        name: 'Support',
        description: 'Support',
        defaultOutboundQueueArn: `${I}/queue/q`,
        mediaConcurrencies: [{ channel: 'VOICE', concurrency: 1 }],
      });
      const users = new Stack(app, 'Users');
      const provider = new ConnectUserProvider(users, 'Provider', { instanceArns: [I], code: placeholderCode() });
      new ConnectUser(users, 'Jane', { ...required(provider), routingProfileArn: routingProfile });
      const properties = only(resourcesOf(users), ConnectUser.RESOURCE_TYPE)[1].Properties;
      assert.match(properties.RoutingProfileArn['Fn::ImportValue'], /^Shared:ExportsOutputFnGetAttRoutingProfile/);
    });
  });

  it('leaves unset properties out', () => {
    const { stack, provider } = stackWithProvider();
    new ConnectUser(stack, 'Jane', { ...required(provider), identityInfo: { firstName: 'Jane' } });
    const { ServiceToken: _, ...properties } = userResource(stack)[1].Properties;
    assert.deepEqual(Object.keys(properties).sort(), [
      'IdentityInfo',
      'InstanceArn',
      'RoutingProfileArn',
      'SecurityProfileArns',
      'Username',
    ]);
    assert.deepEqual(properties.IdentityInfo, { FirstName: 'Jane' });
  });

  it('names the same top-level properties as the README table', () => {
    const readme = fs.readFileSync(path.join(REPOSITORY, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('\n## Properties'), readme.indexOf('\n### Return values'));
    const documented = [...section.matchAll(/^\| `(\w+)` \|/gm)].map((m) => m[1]).sort();
    const wire = Object.values(WIRE_NAMES)
      .map((entry) => (typeof entry === 'string' ? entry : entry[0]))
      .sort();
    assert.ok(documented.length >= 20, `found the table: ${documented}`);
    assert.deepEqual(wire, documented);
  });

  it('exposes the return values as attributes; Ref is the user ARN', () => {
    const { stack, provider } = stackWithProvider();
    const user = new ConnectUser(stack, 'Jane', { ...required(provider), password: 'Welcome-2026-Agent' });
    const [id] = userResource(stack);
    assert.deepEqual(stack.resolve(user.userArn), { 'Fn::GetAtt': [id, 'UserArn'] });
    assert.deepEqual(stack.resolve(user.userId), { 'Fn::GetAtt': [id, 'UserId'] });
    assert.deepEqual(stack.resolve(user.instanceArn), { 'Fn::GetAtt': [id, 'InstanceArn'] });
    assert.deepEqual(stack.resolve(user.resource.ref), { Ref: id });
  });

  it('exposes the resolved ARNs as attributes, the security profiles also as a list', () => {
    const { stack, provider } = stackWithProvider();
    const { routingProfileArn: _r, securityProfileArns: _s, ...rest } = required(provider);
    const user = new ConnectUser(stack, 'Jane', {
      ...rest,
      routingProfileName: 'Basic Routing Profile',
      securityProfileNames: ['Agent'],
    });
    const [id] = userResource(stack);
    assert.deepEqual(stack.resolve(user.routingProfileArn), { 'Fn::GetAtt': [id, 'RoutingProfileArn'] });
    assert.deepEqual(stack.resolve(user.securityProfileArns), { 'Fn::GetAtt': [id, 'SecurityProfileArns'] });
    assert.deepEqual(stack.resolve(user.hierarchyGroupArn), { 'Fn::GetAtt': [id, 'HierarchyGroupArn'] });
    assert.deepEqual(stack.resolve(user.securityProfileArnList), {
      'Fn::Split': [',', { 'Fn::GetAtt': [id, 'SecurityProfileArns'] }],
    });
    // The list token goes whole into a list property of another resource.
    const output = new connect.CfnUser(stack, 'Twin', {
      instanceArn: I,
      username: 'twin',
      phoneConfig: { phoneType: 'SOFT_PHONE' },
      routingProfileArn: user.routingProfileArn,
      securityProfileArns: user.securityProfileArnList,
    });
    assert.deepEqual(stack.resolve(output.securityProfileArns), {
      'Fn::Split': [',', { 'Fn::GetAtt': [id, 'SecurityProfileArns'] }],
    });
  });

  it('passes serviceTimeout and removalPolicy to CloudFormation', () => {
    const { stack, provider } = stackWithProvider();
    new ConnectUser(stack, 'Jane', {
      ...required(provider),
      password: 'Welcome-2026-Agent',
      serviceTimeout: Duration.minutes(5),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const [, resource] = userResource(stack);
    assert.equal(String(resource.Properties.ServiceTimeout), '300');
    assert.equal(resource.DeletionPolicy, 'Retain');
  });

  it('keeps a user taken over by default: RETAIN with adoptExisting', () => {
    const { stack, provider } = stackWithProvider();
    new ConnectUser(stack, 'Jane', { ...required(provider), adoptExisting: true });
    const [, resource] = userResource(stack);
    assert.equal(resource.DeletionPolicy, 'Retain');
    assert.equal(resource.UpdateReplacePolicy, 'Retain');
  });

  it('deletes a user it creates by default: DESTROY without adoptExisting', () => {
    for (const adoptExisting of [undefined, false]) {
      const { stack, provider } = stackWithProvider();
      new ConnectUser(stack, 'Jane', { ...required(provider), adoptExisting });
      const [, resource] = userResource(stack);
      assert.equal(resource.DeletionPolicy, 'Delete', `adoptExisting: ${adoptExisting}`);
      assert.equal(resource.UpdateReplacePolicy, 'Delete', `adoptExisting: ${adoptExisting}`);
    }
  });

  it('deletes a user taken over when removalPolicy is DESTROY', () => {
    const { stack, provider } = stackWithProvider();
    new ConnectUser(stack, 'Jane', {
      ...required(provider),
      adoptExisting: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const [, resource] = userResource(stack);
    assert.equal(resource.DeletionPolicy, 'Delete');
    assert.equal(resource.UpdateReplacePolicy, 'Delete');
  });

  it('is created after the provider, whose policy then holds every grant', () => {
    const { stack, provider } = stackWithProvider();
    new ConnectUser(stack, 'Jane', { ...required(provider), password: 'Welcome-2026-Agent' });
    const r = resourcesOf(stack);
    const [, user] = userResource(stack);
    const [policyId] = only(r, 'AWS::IAM::Policy');
    assert.ok(user.DependsOn?.includes(policyId), JSON.stringify(user.DependsOn));
  });

  it('sends passwordSecret as PasswordSecretArn and lets the provider read it', () => {
    const { stack, provider } = stackWithProvider(ProviderMode.FRAMEWORK);
    const secret = new secretsmanager.Secret(stack, 'Password', {
      generateSecretString: { secretStringTemplate: '{}', generateStringKey: 'password' },
    });
    new ConnectUser(stack, 'Jane', { ...required(provider), passwordSecret: secret, passwordSecretJsonKey: 'password' });
    const r = resourcesOf(stack);
    const [secretId] = only(r, 'AWS::SecretsManager::Secret');
    const [, user] = userResource(stack);
    assert.deepEqual(user.Properties.PasswordSecretArn, { Ref: secretId });
    assert.equal(user.Properties.PasswordSecretJsonKey, 'password');
    assert.equal(user.Properties.Password, undefined);
    const reads = statementsOfRole(r, stack.resolve(provider.role.roleName).Ref).filter((s) =>
      s.Action.includes('secretsmanager:GetSecretValue'),
    );
    assert.deepEqual(
      reads.map((s) => s.Resource),
      [[JSON.stringify({ Ref: secretId })]],
    );
  });

  it("in the provider's stack, grants the secret in the role's policy, which function and user depend on", () => {
    const { stack, provider } = stackWithProvider();
    const secret = new secretsmanager.Secret(stack, 'Password');
    new ConnectUser(stack, 'Jane', { ...required(provider), passwordSecret: secret });
    const r = resourcesOf(stack);
    const [policyId] = only(r, 'AWS::IAM::Policy');
    const [secretId] = only(r, 'AWS::SecretsManager::Secret');
    const reads = statementsOfRole(r, stack.resolve(provider.role.roleName).Ref).filter((s) =>
      s.Action.includes('secretsmanager:GetSecretValue'),
    );
    assert.deepEqual(
      reads.map((s) => s.Resource),
      [[JSON.stringify({ Ref: secretId })]],
    );
    const [fnId] = only(r, 'AWS::Lambda::Function');
    assert.ok(r[fnId].DependsOn?.includes(policyId), JSON.stringify(r[fnId].DependsOn));
    assert.ok(userResource(stack)[1].DependsOn?.includes(policyId));
  });

  describe('with the provider in a stack of its own', () => {
    /** Stack A holds the provider; the user is in B, its secret in `secretIn` (B unless given). */
    function stacks(secretIn?: string) {
      const app = new App();
      const a = new Stack(app, 'A');
      const provider = new ConnectUserProvider(a, 'Provider', { instanceArns: [I], code: placeholderCode() });
      const b = new Stack(app, 'B');
      const c = secretIn === undefined ? b : new Stack(app, secretIn);
      const secret = new secretsmanager.Secret(c, 'Password', {
        generateSecretString: { secretStringTemplate: '{}', generateStringKey: 'password' },
      });
      new ConnectUser(b, 'Jane', { ...required(provider), passwordSecret: secret, passwordSecretJsonKey: 'password' });
      // Throws on a cyclic reference between the stacks.
      const assembly = app.synth();
      const template = (stack: Stack): Record<string, any> => assembly.getStackByName(stack.stackName).template;
      return { a, b, c, provider, template };
    }

    /** B's grant: the one policy of B, attached to A's role by the name A exports. */
    function grantIn(s: ReturnType<typeof stacks>) {
      const resources = s.template(s.b).Resources as Record<string, Resource>;
      const [policyId, policy] = only(resources, 'AWS::IAM::Policy');
      const roleId = s.a.resolve(s.provider.role.roleName).Ref;
      const [{ 'Fn::ImportValue': imported }] = policy.Properties.Roles;
      const exported = Object.values(s.template(s.a).Outputs as Record<string, any>).find(
        (o) => o.Export.Name === imported,
      );
      assert.deepEqual(exported?.Value, { Ref: roleId }, 'the role is imported from A by its name');
      const [, user] = only(resources, ConnectUser.RESOURCE_TYPE);
      assert.ok(user.DependsOn?.includes(policyId), JSON.stringify(user.DependsOn));
      return policy.Properties.PolicyDocument.Statement as Record<string, any>[];
    }

    function assertNothingOfAReads(s: ReturnType<typeof stacks>) {
      const a = JSON.stringify(s.template(s.a));
      assert.doesNotMatch(a, /Fn::ImportValue/, 'A refers to no other stack');
      assert.doesNotMatch(a, /secretsmanager:/, 'A grants no secret');
    }

    it("synthesizes with the secret in the user's stack, and grants it there", () => {
      const s = stacks();
      const secretId = only(s.template(s.b).Resources, 'AWS::SecretsManager::Secret')[0];
      assert.deepEqual(grantIn(s), [
        { Action: 'secretsmanager:GetSecretValue', Effect: 'Allow', Resource: { Ref: secretId } },
      ]);
      assertNothingOfAReads(s);
    });

    it("synthesizes with the secret in a third stack, and grants it in the user's", () => {
      const s = stacks('C');
      const [statement, ...others] = grantIn(s);
      assert.deepEqual(others, []);
      assert.equal(statement.Action, 'secretsmanager:GetSecretValue');
      const secretId = only(s.template(s.c).Resources, 'AWS::SecretsManager::Secret')[0];
      const exported = Object.values(s.template(s.c).Outputs as Record<string, any>).find(
        (o) => o.Export.Name === statement.Resource['Fn::ImportValue'],
      );
      assert.deepEqual(exported?.Value, { Ref: secretId }, 'the secret is imported from C by its ARN');
      assertNothingOfAReads(s);
    });
  });

  it('works with a provider imported by its service token', () => {
    const stack = new Stack(new App(), 'Test');
    const provider = ConnectUserProvider.fromServiceToken(stack, 'P', 'arn:aws:lambda:us-east-1:1:function:p');
    new ConnectUser(stack, 'Jane', {
      ...required(provider as ConnectUserProvider),
      passwordSecret: secretsmanager.Secret.fromSecretNameV2(stack, 'S', 'connect/agents/jane'),
    });
    assert.equal(userResource(stack)[1].Properties.ServiceToken, 'arn:aws:lambda:us-east-1:1:function:p');
  });

  describe('fails at synth', () => {
    const attempt = (change: (props: Record<string, any>, stack: Stack) => void) => {
      const { stack, provider } = stackWithProvider();
      const props: Record<string, any> = { ...required(provider), password: 'Welcome-2026-Agent' };
      change(props, stack);
      return () => new ConnectUser(stack, 'Jane', props as ConnectUserProps);
    };

    for (const name of ['instanceArn', 'username', 'provider']) {
      it(`without ${name}`, () => {
        assert.throws(
          attempt((p) => delete p[name]),
          new RegExp(`ConnectUser Test/Jane: .*${name} is required`),
        );
      });
    }

    for (const [arn, name] of [
      ['routingProfileArn', 'routingProfileName'],
      ['securityProfileArns', 'securityProfileNames'],
    ]) {
      it(`without ${arn} or ${name}`, () => {
        assert.throws(
          attempt((p) => delete p[arn]),
          new RegExp(`ConnectUser Test/Jane: .*${arn} or ${name} is required`),
        );
      });
    }

    for (const [arn, name, value] of [
      ['routingProfileArn', 'routingProfileName', 'Basic Routing Profile'],
      ['securityProfileArns', 'securityProfileNames', ['Agent']],
      ['hierarchyGroupArn', 'hierarchyGroupPath', 'Europe/Berlin'],
    ] as const) {
      it(`with both ${arn} and ${name}`, () => {
        assert.throws(
          attempt((p) => {
            p[arn] ??= `${I}/agent-group/g`;
            p[name] = value;
          }),
          new RegExp(`${arn} and ${name} exclude each other: give one`),
        );
      });
    }

    it('with no security profile', () => {
      assert.throws(
        attempt((p) => (p.securityProfileArns = [])),
        /securityProfileArns or securityProfileNames is required \(1-10 security profiles\)/,
      );
      assert.throws(
        attempt((p) => {
          delete p.securityProfileArns;
          p.securityProfileNames = [];
        }),
        /securityProfileArns or securityProfileNames is required/,
      );
    });

    it('with an L1 resource of the wrong type, or another object (an untyped caller)', () => {
      assert.throws(
        attempt((p, stack) => {
          p.routingProfileArn = new connect.CfnSecurityProfile(stack, 'S', { instanceArn: I, securityProfileName: 'x' });
          p.trafficDistributionGroupArns = [TDG, { arn: TDG }];
        }),
        /routingProfileArn must be an ARN or a CfnRoutingProfile; trafficDistributionGroupArns\[1\] must be an ARN or a CfnTrafficDistributionGroup/,
      );
    });

    it('with both password and passwordSecret', () => {
      assert.throws(
        attempt((p, stack) => (p.passwordSecret = secretsmanager.Secret.fromSecretNameV2(stack, 'S', 'x'))),
        /password and passwordSecret exclude each other/,
      );
    });

    it('with passwordSecretJsonKey but no passwordSecret', () => {
      assert.throws(
        attempt((p) => (p.passwordSecretJsonKey = 'password')),
        /passwordSecretJsonKey applies only with passwordSecret/,
      );
    });

    it('with a property the function does not know (an untyped caller)', () => {
      assert.throws(
        attempt((p) => (p.identityInfo = { firstName: 'Jane', fristName: 'x' })),
        /unknown property identityInfo\.fristName/,
      );
    });

    it('with a top-level property the props type lacks (an untyped caller)', () => {
      assert.throws(
        attempt((p) => (p.passwordSecretArn = 'arn:aws:secretsmanager:us-east-1:1:secret:x')),
        /unknown property passwordSecretArn/,
      );
    });

    it('reporting every problem at once', () => {
      assert.throws(
        attempt((p) => {
          delete p.username;
          delete p.routingProfileArn;
          p.securityProfileNames = ['Agent'];
          p.passwordSecretJsonKey = 'password';
        }),
        new RegExp(
          'username is required; routingProfileArn or routingProfileName is required; ' +
            'securityProfileArns and securityProfileNames exclude each other: give one; ' +
            'passwordSecretJsonKey applies only with passwordSecret',
        ),
      );
    });
  });
});
