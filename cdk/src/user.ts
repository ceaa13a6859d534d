// ConnectUser: one Custom::ConnectUser resource with typed properties, rendered through the one table of
// properties.ts. The function validates everything; here only what can be told at synth without duplicating it.
import { CustomResource, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { renderProperties, WIRE_NAMES } from './properties';
import type { IConnectUserProvider } from './provider';
import type {
  AfterContactWorkConfigPerChannel,
  AutoAcceptConfig,
  IdentityInfo,
  PersistentConnectionConfig,
  PhoneConfig,
  PhoneNumberConfig,
  UserProficiency,
  UserTag,
  VoiceEnhancementConfig,
} from './types';

/**
 * Properties of a ConnectUser: those of `AWS::Connect::User` in camelCase, plus `adoptExisting`,
 * `passwordSecret`, `passwordSecretJsonKey` and `reconcileToken`. The function checks every rule when the stack
 * is deployed and reports every problem at once, each with its property path.
 */
export interface ConnectUserProps {
  /** The provider: a `ConnectUserProvider`, or `ConnectUserProvider.fromServiceToken(…)`. */
  readonly provider: IConnectUserProvider;

  /** `arn:<partition>:connect:<region>:<account>:instance/<id>`. Changing it replaces the user. */
  readonly instanceArn: string;
  /**
   * 1–64 characters of `a-z A-Z 0-9 _ . @ -` (at most 20 on `CONNECT_MANAGED` and `EXISTING_DIRECTORY`
   * instances). Changing it replaces the user.
   */
  readonly username: string;
  /** `<instanceArn>/routing-profile/<id>`. */
  readonly routingProfileArn: string;
  /** 1–10 distinct `<instanceArn>/security-profile/<id>`. */
  readonly securityProfileArns: string[];

  /**
   * The initial password: 8–64 characters, no whitespace, a lower-case letter, an upper-case letter and a digit.
   * Visible to anyone who can read the template: prefer `passwordSecret`. Excludes `passwordSecret`.
   * @default - none (required on `CONNECT_MANAGED` instances unless `passwordSecret` is given)
   */
  readonly password?: string;
  /**
   * A Secrets Manager secret holding the initial password, read by the function when it creates the user. The
   * provider is granted `secretsmanager:GetSecretValue` on it (and `kms:Decrypt` through Secrets Manager for a
   * customer-managed key). Excludes `password`.
   * @default - none
   */
  readonly passwordSecret?: secretsmanager.ISecret;
  /**
   * The key of the password when the secret is a JSON object (`password` for a secret generated with
   * `generateStringKey: 'password'`). Only with `passwordSecret`.
   * @default - the whole secret string is the password
   */
  readonly passwordSecretJsonKey?: string;

  /**
   * The user's id in the instance's directory (`EXISTING_DIRECTORY`). Cannot change without a new `username`.
   * @default - none
   */
  readonly directoryUserId?: string;
  /**
   * `<instanceArn>/agent-group/<id>`.
   * @default - the user is in no hierarchy group
   */
  readonly hierarchyGroupArn?: string;
  /**
   * Name and contact details.
   * @default - none
   */
  readonly identityInfo?: IdentityInfo;
  /**
   * Voice settings.
   * @default - none
   */
  readonly phoneConfig?: PhoneConfig;
  /**
   * Per-channel auto-accept.
   * @default - none
   */
  readonly autoAcceptConfigs?: AutoAcceptConfig[];
  /**
   * Per-channel after-contact work.
   * @default - none
   */
  readonly afterContactWorkConfigs?: AfterContactWorkConfigPerChannel[];
  /**
   * Per-channel phone type and number.
   * @default - none
   */
  readonly phoneNumberConfigs?: PhoneNumberConfig[];
  /**
   * Per-channel persistent connection.
   * @default - none
   */
  readonly persistentConnectionConfigs?: PersistentConnectionConfig[];
  /**
   * Per-channel voice enhancement.
   * @default - none
   */
  readonly voiceEnhancementConfigs?: VoiceEnhancementConfig[];
  /**
   * Proficiencies: predefined attributes of the instance, levels 1–5.
   * @default - none
   */
  readonly userProficiencies?: UserProficiency[];
  /**
   * At most 49 tags (Connect's 50 less the function's owner tag).
   * @default - none
   */
  readonly tags?: UserTag[];

  /**
   * Take over a user of the same name that no stack owns, instead of failing. Such a user existed before the
   * stack, so `removalPolicy` then defaults to `RETAIN`: neither the rollback of a failed first deployment nor
   * the stack's deletion deletes it. Whether a user is taken over is known only when the stack deploys, so a
   * user created instead is kept too. With `removalPolicy: RemovalPolicy.DESTROY`, both are deleted.
   * @default false
   */
  readonly adoptExisting?: boolean;
  /**
   * Never sent to Connect: changing it alone makes CloudFormation send an Update, which repairs drift.
   * @default - none
   */
  readonly reconcileToken?: string;

  /**
   * How long CloudFormation waits for the function before failing the resource.
   * @default - CloudFormation's default (one hour)
   */
  readonly serviceTimeout?: Duration;
  /**
   * What happens to the Connect user when the resource leaves the stack or is replaced (both its
   * `DeletionPolicy` and its `UpdateReplacePolicy`).
   * @default RETAIN when adoptExisting is true, else DESTROY
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** An Amazon Connect user, managed by the `Custom::ConnectUser` function. */
export class ConnectUser extends Construct {
  /** The CloudFormation type of the resource. */
  public static readonly RESOURCE_TYPE = 'Custom::ConnectUser';

  /** The custom resource. Its `ref` is the user's ARN. */
  public readonly resource: CustomResource;
  /** `arn:aws:connect:<region>:<account>:instance/<instance id>/agent/<user id>`. */
  public readonly userArn: string;
  /** The user id. */
  public readonly userId: string;
  /** The ARN of the user's instance. */
  public readonly instanceArn: string;

  constructor(scope: Construct, id: string, props: ConnectUserProps) {
    super(scope, id);
    checkProps(this, props);

    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: props.provider.serviceToken,
      resourceType: ConnectUser.RESOURCE_TYPE,
      serviceTimeout: props.serviceTimeout,
      removalPolicy: props.removalPolicy ?? (props.adoptExisting ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY),
      properties: renderProperties({
        instanceArn: props.instanceArn,
        username: props.username,
        routingProfileArn: props.routingProfileArn,
        securityProfileArns: props.securityProfileArns,
        password: props.password,
        passwordSecretArn: props.passwordSecret?.secretArn,
        passwordSecretJsonKey: props.passwordSecretJsonKey,
        directoryUserId: props.directoryUserId,
        hierarchyGroupArn: props.hierarchyGroupArn,
        identityInfo: props.identityInfo,
        phoneConfig: props.phoneConfig,
        autoAcceptConfigs: props.autoAcceptConfigs,
        afterContactWorkConfigs: props.afterContactWorkConfigs,
        phoneNumberConfigs: props.phoneNumberConfigs,
        persistentConnectionConfigs: props.persistentConnectionConfigs,
        voiceEnhancementConfigs: props.voiceEnhancementConfigs,
        userProficiencies: props.userProficiencies,
        tags: props.tags,
        adoptExisting: props.adoptExisting,
        reconcileToken: props.reconcileToken,
      }),
    });
    if (props.passwordSecret) {
      // Made in this user's stack, which this resource then depends on: a provider shared from another stack
      // would otherwise refer back to the secret.
      props.provider.grantPasswordSecret(props.passwordSecret, this);
    }
    // The provider's role and grants exist before the user's Create reaches the function.
    this.resource.node.addDependency(props.provider);

    this.userArn = this.resource.getAttString('UserArn');
    this.userId = this.resource.getAttString('UserId');
    this.instanceArn = this.resource.getAttString('InstanceArn');
  }
}

const KNOWN_PROPS = new Set<string>([
  ...Object.keys(WIRE_NAMES).filter((key) => key !== 'passwordSecretArn'),
  'provider',
  'passwordSecret',
  'serviceTimeout',
  'removalPolicy',
]);

/** Only the rules visible at synth that the function would otherwise report after a deployment started. */
function checkProps(scope: Construct, props: ConnectUserProps): void {
  const problems: string[] = [];
  // Only an untyped caller (plain JavaScript) can pass a key the props type lacks.
  for (const key of Object.keys(props)) {
    if (!KNOWN_PROPS.has(key)) problems.push(`unknown property ${key}`);
  }
  if (!props.provider) problems.push('provider is required');
  for (const name of ['instanceArn', 'username', 'routingProfileArn'] as const) {
    if (props[name] === undefined || props[name] === '') problems.push(`${name} is required`);
  }
  if (!props.securityProfileArns || props.securityProfileArns.length === 0) {
    problems.push('securityProfileArns is required (1-10 security profile ARNs)');
  }
  if (props.password !== undefined && props.passwordSecret !== undefined) {
    problems.push('password and passwordSecret exclude each other: give one');
  }
  if (props.passwordSecretJsonKey !== undefined && props.passwordSecret === undefined) {
    problems.push('passwordSecretJsonKey applies only with passwordSecret');
  }
  if (problems.length > 0) {
    throw new Error(`ConnectUser ${scope.node.path}: ${problems.join('; ')}`);
  }
}
