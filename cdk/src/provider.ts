// ConnectUserProvider: the cfn-connect-user function, its log group and a least-privilege role, as
// template.yaml deploys them, plus the optional custom_resources.Provider wrapping.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ArnFormat, Duration, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, IConstruct } from 'constructs';
import { connectStatements, decryptThroughSecretsManagerStatement, readSecretStatement } from './policy';

/** How CloudFormation reaches the function. */
export enum ProviderMode {
  /**
   * CloudFormation invokes the function, which sends its answer to CloudFormation itself. One function, no
   * framework: the recommended mode.
   */
  DIRECT = 'DIRECT',
  /**
   * The function is the `onEvent` handler of a `custom_resources.Provider` and returns its result to the
   * framework (`RESPONSE_MODE=return`). The framework adds a function and a log group, and logs every event's
   * properties in clear: give passwords as `passwordSecret`, never `password`.
   */
  FRAMEWORK = 'FRAMEWORK',
}

/** Where `Custom::ConnectUser` resources send their requests. */
export interface IConnectUserProvider extends IConstruct {
  /** The `ServiceToken` of the users. */
  readonly serviceToken: string;

  /**
   * Lets the function read this secret when it creates a user (`secretsmanager:GetSecretValue`, and
   * `kms:Decrypt` through Secrets Manager when the secret has a customer-managed key). Called by `ConnectUser`
   * for its `passwordSecret`, with itself as `scope`.
   *
   * @param secret the password secret.
   * @param scope what has the function read the secret (a `ConnectUser`). In another stack than the
   * provider's, the grant is a policy of that stack attached to the role, and `scope` depends on it: the
   * provider's stack never refers to the users' stacks. Without it, or in the provider's stack, the role's own
   * policy holds the grant (so the provider's stack refers to the secret's).
   */
  grantPasswordSecret(secret: secretsmanager.ISecret, scope?: IConstruct): void;
}

/** Properties of a ConnectUserProvider. */
export interface ConnectUserProviderProps {
  /**
   * The Amazon Connect instances whose users the function may manage: every IAM statement is scoped to them,
   * but for the account's traffic distribution groups, whose ARNs name no instance.
   * Instances of other regions of the account work the same way.
   */
  readonly instanceArns: string[];

  /**
   * The function's code: a directory or zip holding the `bootstrap` binary.
   * @default - the prebuilt arm64 package shipped in this library (absent in a development checkout of the
   * repository, where `code` must be given)
   */
  readonly code?: lambda.Code;

  /**
   * The architecture `code` was built for.
   * @default lambda.Architecture.ARM_64
   */
  readonly architecture?: lambda.Architecture;

  /**
   * How CloudFormation reaches the function.
   * @default ProviderMode.DIRECT
   */
  readonly mode?: ProviderMode;

  /**
   * Application log level (`DEBUG` logs every Connect call; passwords and the response URL's signature are
   * redacted at every level).
   * @default lambda.ApplicationLogLevel.INFO
   */
  readonly logLevel?: lambda.ApplicationLogLevel;

  /**
   * How long the function's logs are kept.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * The function's timeout. Its deadline is the earliest of this, the resource's `serviceTimeout` and the
   * response URL's expiry, so a long timeout costs nothing when Connect answers; it gives throttled calls
   * time to be retried.
   * @default Duration.minutes(15)
   */
  readonly timeout?: Duration;

  /**
   * How many requests the function serves at once (its reserved concurrency); 0: no reservation. As
   * template.yaml's `ReservedConcurrency`: each execution environment paces its own Connect calls, and Connect's
   * rate quota is the account's, so set about one per request per second of that quota. CloudFormation invokes
   * the function asynchronously, and Lambda queues the requests beyond it. In `ProviderMode.FRAMEWORK` the
   * framework invokes the function synchronously, and an invocation beyond the reservation fails instead of
   * waiting, so there the default is no reservation.
   * @default 2 in `ProviderMode.DIRECT`, 0 (no reservation) in `ProviderMode.FRAMEWORK`
   */
  readonly reservedConcurrentExecutions?: number;
}

/** The file name of the prebuilt package inside this library. */
const BUNDLED_PACKAGE = 'cfn-connect-user-arm64.zip';

/**
 * The `cfn-connect-user` function with least-privilege IAM scoped to the given Connect instances: the provider
 * of `Custom::ConnectUser`. One per stack is enough; pass it to every `ConnectUser`.
 */
export class ConnectUserProvider extends Construct implements IConnectUserProvider {
  /**
   * A provider deployed elsewhere (the Serverless Application Repository application, deploy/prebuilt.yaml or
   * template.yaml), by its `ServiceToken` output. Its role is not managed here: `grantPasswordSecret` does
   * nothing, and the provider stack's `PasswordSecretNamePrefix` must cover the secrets users name.
   */
  public static fromServiceToken(scope: Construct, id: string, serviceToken: string): IConnectUserProvider {
    return new ImportedProvider(scope, id, serviceToken);
  }

  /** Where the prebuilt arm64 package is expected inside this library. */
  public static bundledPackagePath(): string {
    return path.join(__dirname, '..', 'assets', BUNDLED_PACKAGE);
  }

  public readonly serviceToken: string;
  /** The function that handles the requests (the `onEvent` handler in `ProviderMode.FRAMEWORK`). */
  public readonly function: lambda.Function;
  /** The function's execution role. */
  public readonly role: iam.Role;
  /** The function's log group. */
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ConnectUserProviderProps) {
    super(scope, id);
    if (!props.instanceArns || props.instanceArns.length === 0) {
      throw new Error(`ConnectUserProvider ${this.node.path}: instanceArns must name at least one Connect instance`);
    }
    const architecture = props.architecture ?? lambda.Architecture.ARM_64;
    const mode = props.mode ?? ProviderMode.DIRECT;
    const reservation = props.reservedConcurrentExecutions ?? (mode === ProviderMode.DIRECT ? 2 : 0);
    if (!Number.isInteger(reservation) || reservation < 0) {
      throw new Error(`ConnectUserProvider ${this.node.path}: reservedConcurrentExecutions must be 0 or more`);
    }

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Not lambda.Function's default role: its managed policy may create log groups and write to any of them.
    this.role = new iam.Role(this, 'Role', {
      description: 'Execution role of the Custom::ConnectUser provider function.',
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        // The Arn attribute ends in ":*", covering the group's streams.
        resources: [this.logGroup.logGroupArn],
      }),
    );
    // The account's traffic distribution groups, in every region, as template.yaml's
    // arn:${AWS::Partition}:connect:*:${AWS::AccountId}:traffic-distribution-group/*.
    const trafficDistributionGroups = Stack.of(this).formatArn({
      service: 'connect',
      region: '*',
      resource: 'traffic-distribution-group',
      resourceName: '*',
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    for (const statement of connectStatements(props.instanceArns, trafficDistributionGroups)) {
      this.role.addToPrincipalPolicy(statement);
    }

    this.function = new lambda.Function(this, 'Function', {
      description: 'Provider of the CloudFormation custom resource Custom::ConnectUser.',
      code: props.code ?? bundledCode(this, architecture),
      handler: 'bootstrap',
      runtime: lambda.Runtime.PROVIDED_AL2023,
      architecture,
      // As template.yaml: a small native binary that waits on Connect; more memory (and CPU) buys nothing.
      memorySize: 128,
      timeout: props.timeout ?? Duration.minutes(15),
      role: this.role,
      // 0 is "no reservation", as in template.yaml: a reservation of 0 would stop the function altogether.
      reservedConcurrentExecutions: reservation === 0 ? undefined : reservation,
      environment: mode === ProviderMode.FRAMEWORK ? { RESPONSE_MODE: 'return' } : undefined,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: props.logLevel ?? lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      logGroup: this.logGroup,
    });
    // The policy, grants for password secrets included, exists before the function can be invoked.
    this.function.node.addDependency(this.role);

    if (mode === ProviderMode.FRAMEWORK) {
      const framework = new cr.Provider(this, 'Framework', {
        onEventHandler: this.function,
        logGroup: new logs.LogGroup(this, 'FrameworkLogs', {
          retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
          removalPolicy: RemovalPolicy.DESTROY,
        }),
      });
      this.serviceToken = framework.serviceToken;
    } else {
      this.serviceToken = this.function.functionArn;
    }
  }

  public grantPasswordSecret(secret: secretsmanager.ISecret, scope?: IConstruct): void {
    // GetSecretValue alone: grantRead would add DescribeSecret, which the function never calls.
    const statements = [readSecretStatement(secret.secretFullArn ?? `${secret.secretArn}-??????`)];
    if (secret.encryptionKey) {
      statements.push(decryptThroughSecretsManagerStatement(secret.encryptionKey.keyArn));
    }
    if (scope === undefined || Stack.of(scope) === Stack.of(this)) {
      // The function depends on its role's policy, and whatever invokes the function on the function: the
      // grant exists before any Create reads the secret. Templates of earlier versions stay as they were.
      statements.forEach((s) => this.role.addToPrincipalPolicy(s));
      return;
    }
    // In the role's policy, the grant would make the provider's stack refer to the secret's, which refers back
    // to the provider's service token: a cycle.
    const policy = this.passwordSecretPolicyOf(Stack.of(scope));
    policy.addStatements(...statements);
    scope.node.addDependency(policy);
  }

  /** The policy attached to the role that holds the grants made in another stack: one per stack. */
  private passwordSecretPolicyOf(stack: Stack): iam.Policy {
    const id = `PasswordSecretGrant${Names.nodeUniqueId(this.node)}`;
    const existing = stack.node.tryFindChild(id);
    if (existing !== undefined) return existing as iam.Policy;
    const suffix = '-ConnectUserPasswordSecrets';
    return new iam.Policy(stack, id, {
      // Inline policy names are per role, and a logical id alone (CDK's default name) can repeat across the
      // stacks that attach policies to this one.
      policyName:
        Names.uniqueResourceName(stack, { maxLength: 128 - suffix.length, allowedSpecialCharacters: '-_' }) + suffix,
      roles: [this.role],
      // One statement per action for all the stack's secrets: every inline policy of the role counts against
      // IAM's 10,240 characters for them all.
      document: new iam.PolicyDocument({ minimize: true }),
    });
  }
}

function bundledCode(scope: Construct, architecture: lambda.Architecture): lambda.Code {
  if (architecture.name !== lambda.Architecture.ARM_64.name) {
    throw new Error(
      `ConnectUserProvider ${scope.node.path}: the bundled package is built for arm64; pass \`code\` built for ` +
        `${architecture.name} (the release's cfn-connect-user-<version>-x86_64.zip, for example)`,
    );
  }
  const bundled = ConnectUserProvider.bundledPackagePath();
  if (!fs.existsSync(bundled)) {
    throw new Error(
      `ConnectUserProvider ${scope.node.path}: no prebuilt package at ${bundled}. Released versions of this ` +
        'library ship it; in a development checkout pass `code`, for example ' +
        "lambda.Code.fromAsset('target/lambda/cfn-connect-user') after `cargo lambda build --release --arm64`, " +
        'or run scripts/package.sh, which puts it there',
    );
  }
  return lambda.Code.fromAsset(bundled);
}

class ImportedProvider extends Construct implements IConnectUserProvider {
  constructor(
    scope: Construct,
    id: string,
    public readonly serviceToken: string,
  ) {
    super(scope, id);
  }

  public grantPasswordSecret(_secret: secretsmanager.ISecret, _scope?: IConstruct): void {
    // The role belongs to another stack: its PasswordSecretNamePrefix decides which secrets it reads.
  }
}
