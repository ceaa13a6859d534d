// ConnectUserProvider: the function, role and log group as template.yaml deploys them, both modes, its code,
// and the password-secret grants.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { describe, it } from 'node:test';
import { App, CfnWaitConditionHandle, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { ConnectUserProvider, ProviderMode } from '../../lib';
import {
  evaluate,
  normalized,
  only,
  placeholderCode,
  readCloudFormationYaml,
  Resource,
  resourcesOf,
  statementsOfRole,
} from '../helpers';

const INSTANCES = [
  'arn:aws:connect:eu-west-1:111122223333:instance/11111111-2222-3333-4444-555555555555',
  'arn:aws:connect:us-east-1:111122223333:instance/66666666-7777-8888-9999-000000000000',
];

const sam = readCloudFormationYaml('template.yaml');
const samRole = sam.Resources.ProviderRole.Properties;
const samParameters = {
  ConnectInstanceArns: INSTANCES,
  PasswordSecretNamePrefix: 'connect/',
  PasswordSecretKmsKeyArns: ['arn:aws:kms:eu-west-1:111122223333:key/k'],
  'AWS::Partition': 'aws',
  'AWS::AccountId': '111122223333',
};
/** template.yaml's policy named `name`, evaluated for INSTANCES, as normalized statements. */
function samPolicy(name: string): Record<string, any>[] {
  const policies = evaluate(samRole.Policies, samParameters) as any[];
  const policy = policies.find((p) => p.PolicyName === name);
  assert.ok(policy, `template.yaml has a ${name} policy`);
  return policy.PolicyDocument.Statement.map(normalized);
}

function synth(props: Partial<ConstructorParameters<typeof ConnectUserProvider>[2]> = {}) {
  const stack = new Stack(new App(), 'Test');
  const provider = new ConnectUserProvider(stack, 'Provider', {
    instanceArns: INSTANCES,
    code: placeholderCode(),
    ...props,
  });
  return { stack, provider, resources: () => resourcesOf(stack) };
}

/**
 * The role's statements, with intrinsics evaluated as samPolicy evaluates template.yaml's: the traffic
 * distribution groups' ARN holds the stack's partition and account (`Ref` of `AWS::Partition` and
 * `AWS::AccountId`, as template.yaml's `!Sub`), which both sides then read with the same values.
 */
function evaluatedStatementsOfRole(resources: Record<string, Resource>, roleId: string): Record<string, any>[] {
  const evaluated = Object.fromEntries(
    Object.entries(resources).map(([id, r]) => [
      id,
      r.Type === 'AWS::IAM::Policy'
        ? { ...r, Properties: { ...r.Properties, PolicyDocument: evaluate(r.Properties.PolicyDocument, samParameters) } }
        : r,
    ]),
  );
  return statementsOfRole(evaluated, roleId);
}

function theFunction(resources: Record<string, Resource>): [string, Resource] {
  return only(resources, 'AWS::Lambda::Function', (id) => id.startsWith('ProviderFunction'));
}

describe('ConnectUserProvider', () => {
  it('grants the Connect statements of template.yaml: same Sids, actions and resources', () => {
    const { resources } = synth();
    const r = resources();
    const [, fn] = theFunction(r);
    const roleId = fn.Properties.Role['Fn::GetAtt'][0];
    const ours = evaluatedStatementsOfRole(r, roleId).filter((s) => s.Action.some((a: string) => a.startsWith('connect:')));
    const theirs = samPolicy('connect-users');
    const bySid = (list: Record<string, any>[]) =>
      Object.fromEntries(list.map((s) => [s.Sid, { Effect: s.Effect, Action: s.Action, Resource: s.Resource }]));
    assert.deepEqual(bySid(ours), bySid(theirs));
    assert.equal(ours.length, 6);
  });

  it('grants the name look-ups and the traffic distribution groups as template.yaml does', () => {
    const r = synth().resources();
    const roleId = theFunction(r)[1].Properties.Role['Fn::GetAtt'][0];
    const ours = Object.fromEntries(evaluatedStatementsOfRole(r, roleId).map((s) => [s.Sid, s]));
    const [eu, us] = INSTANCES;
    const groups = 'arn:aws:connect:*:111122223333:traffic-distribution-group/*';
    const expected: Record<string, [string[], string[]]> = {
      ReadInstances: [
        [
          'connect:DescribeInstance',
          'connect:SearchRoutingProfiles',
          'connect:SearchSecurityProfiles',
          'connect:SearchUserHierarchyGroups',
          'connect:SearchUsers',
        ],
        [eu, us].flatMap((i) => [i, `${i}/*`]),
      ],
      ReadTrafficDistributionGroups: [
        ['connect:DescribeTrafficDistributionGroup', 'connect:ListTrafficDistributionGroupUsers'],
        [groups],
      ],
      AssignTrafficDistributionGroups: [
        ['connect:AssociateTrafficDistributionGroupUser', 'connect:DisassociateTrafficDistributionGroupUser'],
        [groups, `${eu}/agent/*`, `${us}/agent/*`],
      ],
    };
    for (const [sid, [actions, resources]] of Object.entries(expected)) {
      assert.deepEqual(ours[sid].Action, actions, sid);
      assert.deepEqual(ours[sid].Resource, [...resources].sort(), sid);
    }
  });

  it("names the traffic distribution groups of the stack's account and partition", () => {
    const stack = new Stack(new App(), 'Test', { env: { account: '444455556666', region: 'cn-north-1' } });
    new ConnectUserProvider(stack, 'Provider', { instanceArns: INSTANCES, code: placeholderCode() });
    const r = resourcesOf(stack);
    const roleId = theFunction(r)[1].Properties.Role['Fn::GetAtt'][0];
    const read = statementsOfRole(r, roleId).find((s) => s.Sid === 'ReadTrafficDistributionGroups')!;
    const [resource] = read.Resource.map((x: string) => JSON.parse(x));
    assert.deepEqual(resource, {
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':connect:*:444455556666:traffic-distribution-group/*']],
    });
  });

  it('lets the function write only to its own log group, as template.yaml does', () => {
    const r = synth().resources();
    const [, fn] = theFunction(r);
    const [logGroupId, logGroup] = only(r, 'AWS::Logs::LogGroup');
    const logs = statementsOfRole(r, fn.Properties.Role['Fn::GetAtt'][0]).filter((s) =>
      s.Action.some((a: string) => a.startsWith('logs:')),
    );
    const [samLogs] = samPolicy('logs');
    assert.equal(logs.length, 1);
    assert.deepEqual(logs[0].Action, samLogs.Action);
    assert.deepEqual(logs[0].Resource, [JSON.stringify({ 'Fn::GetAtt': [logGroupId, 'Arn'] })]);
    assert.deepEqual(fn.Properties.LoggingConfig.LogGroup, { Ref: logGroupId });
    const samRetention = sam.Parameters.LogRetentionInDays.Default;
    assert.equal(logGroup.Properties.RetentionInDays, samRetention);
  });

  it('has a role that only Lambda assumes, with no managed policy and no wildcard', () => {
    const r = synth().resources();
    const [, role] = only(r, 'AWS::IAM::Role');
    assert.deepEqual(role.Properties.AssumeRolePolicyDocument.Statement, [
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } },
    ]);
    assert.equal(role.Properties.ManagedPolicyArns, undefined);
    const [, fn] = theFunction(r);
    for (const s of statementsOfRole(r, fn.Properties.Role['Fn::GetAtt'][0])) {
      for (const a of s.Action) assert.doesNotMatch(a, /\*/, `wildcard action ${a}`);
      assert.ok(!s.Resource.includes('*'), `unscoped ${JSON.stringify(s)}`);
    }
  });

  it('configures the function as template.yaml does', () => {
    const r = synth().resources();
    const [fnId, fn] = theFunction(r);
    const samFn = evaluate(sam.Resources.ProviderFunction.Properties, {
      LogLevel: sam.Parameters.LogLevel.Default,
      ReservedConcurrency: sam.Parameters.ReservedConcurrency.Default,
      ProviderLogGroup: 'LOG GROUP',
    });
    const keys = ['Runtime', 'Handler', 'MemorySize', 'Timeout', 'Architectures', 'Description'];
    for (const key of [...keys, 'ReservedConcurrentExecutions']) {
      assert.deepEqual(fn.Properties[key], samFn[key], key);
    }
    const { LogGroup: _ours, ...ourLogging } = fn.Properties.LoggingConfig;
    const { LogGroup: _theirs, ...samLogging } = samFn.LoggingConfig;
    assert.deepEqual(ourLogging, samLogging);
    assert.equal(fn.Properties.Environment, undefined, 'DIRECT: the function answers CloudFormation itself');
    // The role's policy (and any password-secret grant) exists before the function can be invoked.
    const [policyId] = only(r, 'AWS::IAM::Policy');
    assert.ok(r[fnId].DependsOn?.includes(policyId), JSON.stringify(r[fnId].DependsOn));
  });

  it('uses the function itself as the service token in DIRECT mode', () => {
    const { stack, provider } = synth();
    const [fnId] = theFunction(resourcesOf(stack));
    assert.deepEqual(stack.resolve(provider.serviceToken), { 'Fn::GetAtt': [fnId, 'Arn'] });
  });

  it('wraps the function in custom_resources.Provider with RESPONSE_MODE=return in FRAMEWORK mode', () => {
    const { stack, provider } = synth({ mode: ProviderMode.FRAMEWORK });
    const r = resourcesOf(stack);
    const [fnId, fn] = theFunction(r);
    assert.deepEqual(fn.Properties.Environment, { Variables: { RESPONSE_MODE: 'return' } });
    const token = stack.resolve(provider.serviceToken)['Fn::GetAtt'];
    assert.match(token[0], /frameworkonEvent/);
    assert.deepEqual(r[token[0]].Properties.Environment.Variables.USER_ON_EVENT_FUNCTION_ARN, {
      'Fn::GetAtt': [fnId, 'Arn'],
    });
  });

  it('passes the optional settings through', () => {
    const r = synth({ logLevel: lambda.ApplicationLogLevel.DEBUG, reservedConcurrentExecutions: 5 }).resources();
    const [, fn] = theFunction(r);
    assert.equal(fn.Properties.LoggingConfig.ApplicationLogLevel, 'DEBUG');
    assert.equal(fn.Properties.ReservedConcurrentExecutions, 5);
  });

  it('reads a reservation of 0 as none, as template.yaml does, and reserves none by default in FRAMEWORK mode', () => {
    const none = theFunction(synth({ reservedConcurrentExecutions: 0 }).resources())[1];
    assert.equal(none.Properties.ReservedConcurrentExecutions, undefined);
    const framework = theFunction(synth({ mode: ProviderMode.FRAMEWORK }).resources())[1];
    assert.equal(framework.Properties.ReservedConcurrentExecutions, undefined);
    assert.throws(() => synth({ reservedConcurrentExecutions: -1 }), /must be 0 or more/);
  });

  it('refuses an empty instance list at synth', () => {
    assert.throws(() => synth({ instanceArns: [] }), /instanceArns must name at least one Connect instance/);
  });

  it('takes the prebuilt package by default, and says to pass `code` where it is absent', () => {
    const bundled = ConnectUserProvider.bundledPackagePath();
    assert.match(bundled, /[/\\]assets[/\\]cfn-connect-user-arm64\.zip$/);
    if (fs.existsSync(bundled)) {
      const { resources } = synth({ code: undefined });
      assert.ok(theFunction(resources())[1].Properties.Code.S3Key, 'the package is an asset');
    } else {
      assert.throws(() => synth({ code: undefined }), /no prebuilt package at .*pass `code`/s);
    }
  });

  it('refuses the arm64 package for another architecture', () => {
    assert.throws(
      () => synth({ code: undefined, architecture: lambda.Architecture.X86_64 }),
      /built for arm64; pass `code` built for x86_64/,
    );
    const r = synth({ architecture: lambda.Architecture.X86_64 }).resources();
    assert.deepEqual(theFunction(r)[1].Properties.Architectures, ['x86_64']);
  });

  it('grants GetSecretValue on a password secret, and kms:Decrypt through Secrets Manager for its key', () => {
    const { stack, provider, resources } = synth();
    const key = new kms.Key(stack, 'Key');
    const secret = new secretsmanager.Secret(stack, 'Secret', { encryptionKey: key });
    provider.grantPasswordSecret(secret);
    const r = resources();
    const secretId = only(r, 'AWS::SecretsManager::Secret')[0];
    const keyId = only(r, 'AWS::KMS::Key')[0];
    const granted = statementsOfRole(r, stack.resolve(provider.role.roleName).Ref).filter((s) =>
      s.Action.some((a: string) => a.startsWith('secretsmanager:') || a.startsWith('kms:')),
    );
    const [samRead, samDecrypt] = samPolicy('password-secrets');
    assert.deepEqual(granted, [
      { Effect: 'Allow', Action: samRead.Action, Resource: [JSON.stringify({ Ref: secretId })] },
      {
        Effect: 'Allow',
        Action: samDecrypt.Action,
        Resource: [JSON.stringify({ 'Fn::GetAtt': [keyId, 'Arn'] })],
        Condition: samDecrypt.Condition,
      },
    ]);
  });

  it('grants a secret known by name on its ARN with the six-character wildcard', () => {
    const { stack, provider, resources } = synth();
    provider.grantPasswordSecret(secretsmanager.Secret.fromSecretNameV2(stack, 'ByName', 'connect/agents/jane'));
    const granted = statementsOfRole(resources(), stack.resolve(provider.role.roleName).Ref).filter((s) =>
      s.Action.includes('secretsmanager:GetSecretValue'),
    );
    assert.equal(granted.length, 1);
    assert.match(granted[0].Resource[0], /secret:connect\/agents\/jane-\?\?\?\?\?\?/);
  });

  it('grants for a scope of another stack in one policy of that stack, which the scopes depend on', () => {
    const { stack, provider } = synth();
    const other = new Stack(stack.node.root as App, 'Agents');
    const key = new kms.Key(other, 'Key');
    const withKey = new secretsmanager.Secret(other, 'WithKey', { encryptionKey: key });
    const plain = new secretsmanager.Secret(other, 'Plain');
    const [first, second] = [new CfnWaitConditionHandle(other, 'First'), new CfnWaitConditionHandle(other, 'Second')];
    provider.grantPasswordSecret(withKey, first);
    provider.grantPasswordSecret(plain, second);
    const r = resourcesOf(other);
    const [policyId, policy] = only(r, 'AWS::IAM::Policy');
    const id = (type: string, name: string) => only(r, type, (i) => i.startsWith(name))[0];
    const [samRead, samDecrypt] = samPolicy('password-secrets');
    assert.deepEqual(policy.Properties.PolicyDocument.Statement.map(normalized), [
      {
        Effect: 'Allow',
        Action: samRead.Action,
        Resource: ['Plain', 'WithKey'].map((name) => JSON.stringify({ Ref: id('AWS::SecretsManager::Secret', name) })),
      },
      {
        Effect: 'Allow',
        Action: samDecrypt.Action,
        Resource: [JSON.stringify({ 'Fn::GetAtt': [id('AWS::KMS::Key', 'Key'), 'Arn'] })],
        Condition: samDecrypt.Condition,
      },
    ]);
    for (const scope of ['First', 'Second']) {
      assert.deepEqual(r[id('AWS::CloudFormation::WaitConditionHandle', scope)].DependsOn, [policyId], scope);
    }
    const granted = statementsOfRole(resourcesOf(stack), stack.resolve(provider.role.roleName).Ref);
    assert.ok(!granted.some((s) => s.Action.includes('secretsmanager:GetSecretValue')), "none in the role's stack");
  });

  it('names the policies of stacks built alike differently: they are inline policies of the same role', () => {
    const { stack, provider } = synth();
    const teams = ['Team1', 'Team2'].map((name) => {
      const team = new Stack(stack.node.root as App, name);
      const scope = new CfnWaitConditionHandle(team, 'Jane');
      provider.grantPasswordSecret(secretsmanager.Secret.fromSecretNameV2(team, 'S', 'connect/agents/jane'), scope);
      return team;
    });
    const names = teams.map((team) => only(resourcesOf(team), 'AWS::IAM::Policy')[1].Properties.PolicyName);
    assert.notEqual(names[0], names[1]);
    for (const name of names) assert.match(name, /^[\w+=,.@-]{1,128}$/);
  });

  it('imports a provider deployed elsewhere by its service token', () => {
    const stack = new Stack(new App(), 'Test');
    const imported = ConnectUserProvider.fromServiceToken(stack, 'Imported', 'arn:aws:lambda:eu-west-1:1:function:x');
    assert.equal(imported.serviceToken, 'arn:aws:lambda:eu-west-1:1:function:x');
    imported.grantPasswordSecret(secretsmanager.Secret.fromSecretNameV2(stack, 'S', 'connect/x'));
    imported.grantPasswordSecret(secretsmanager.Secret.fromSecretNameV2(stack, 'T', 'connect/y'), stack);
    assert.deepEqual(resourcesOf(stack) ?? {}, {});
  });
});
