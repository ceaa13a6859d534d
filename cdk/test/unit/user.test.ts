// ConnectUser: every property under its wire name, the attributes, the grants, and the few rules checked at
// synth.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
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
      AdoptExisting: true,
      ReconcileToken: '2026-01',
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

    for (const name of ['instanceArn', 'username', 'routingProfileArn', 'securityProfileArns', 'provider']) {
      it(`without ${name}`, () => {
        assert.throws(
          attempt((p) => delete p[name]),
          new RegExp(`ConnectUser Test/Jane: .*${name} is required`),
        );
      });
    }

    it('with no security profile', () => {
      assert.throws(
        attempt((p) => (p.securityProfileArns = [])),
        /securityProfileArns is required/,
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
          p.passwordSecretJsonKey = 'password';
        }),
        /username is required; passwordSecretJsonKey applies only with passwordSecret/,
      );
    });
  });
});
