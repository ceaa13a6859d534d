// The value types of ConnectUser's properties: the structs and enums of AWS::Connect::User, in camelCase.
// Their PascalCase names on the wire are in properties.ts, in one table.

/** A channel of the per-channel settings. */
export enum Channel {
  /** Voice calls. */
  VOICE = 'VOICE',
  /** Chats. */
  CHAT = 'CHAT',
  /** Tasks. */
  TASK = 'TASK',
  /** E-mail. */
  EMAIL = 'EMAIL',
}

/** The agent's phone type. */
export enum PhoneType {
  /** The Contact Control Panel's softphone. */
  SOFT_PHONE = 'SOFT_PHONE',
  /** A desk phone; needs a phone number. */
  DESK_PHONE = 'DESK_PHONE',
}

/** The voice enhancement applied to the agent's audio. */
export enum VoiceEnhancementMode {
  /** No enhancement. */
  NONE = 'NONE',
  /** Isolates the agent's voice. */
  VOICE_ISOLATION = 'VOICE_ISOLATION',
  /** Suppresses background noise. */
  NOISE_SUPPRESSION = 'NOISE_SUPPRESSION',
}

/** `IdentityInfo`: the user's name and contact details. */
export interface IdentityInfo {
  /**
   * At most 255 characters; required unless the instance uses `EXISTING_DIRECTORY` identity management.
   * @default - none
   */
  readonly firstName?: string;
  /**
   * At most 300 characters; required unless the instance uses `EXISTING_DIRECTORY` identity management.
   * @default - none
   */
  readonly lastName?: string;
  /**
   * Any string (the Connect API gives it no pattern); not allowed on `SAML` instances.
   * @default - none
   */
  readonly email?: string;
  /**
   * An e-mail address of at most 265 characters.
   * @default - none
   */
  readonly secondaryEmail?: string;
  /**
   * E.164: `+` and 2–15 digits.
   * @default - none
   */
  readonly mobile?: string;
}

/**
 * `PhoneConfig`: the voice settings. Each field excludes its per-channel counterpart (`autoAccept` and
 * `autoAcceptConfigs`, `afterContactWorkTimeLimit` and `afterContactWorkConfigs`, `phoneType` or
 * `deskPhoneNumber` and `phoneNumberConfigs`, `persistentConnection` and `persistentConnectionConfigs`).
 */
export interface PhoneConfig {
  /**
   * The phone type.
   * @default PhoneType.SOFT_PHONE
   */
  readonly phoneType?: PhoneType;
  /**
   * Whether calls are accepted automatically.
   * @default false
   */
  readonly autoAccept?: boolean;
  /**
   * After-contact work time limit in seconds, 0–2,000,000 (0: no limit).
   * @default 0
   */
  readonly afterContactWorkTimeLimit?: number;
  /**
   * The desk phone's number (E.164); required with `PhoneType.DESK_PHONE`.
   * @default - none
   */
  readonly deskPhoneNumber?: string;
  /**
   * Whether the agent's connection persists between calls.
   * @default - Connect's default
   */
  readonly persistentConnection?: boolean;
}

/** One entry of `AutoAcceptConfigs`. */
export interface AutoAcceptConfig {
  /** The channel (at most one entry per channel). */
  readonly channel: Channel;
  /** Whether contacts on the channel are accepted automatically. */
  readonly autoAccept: boolean;
  /**
   * Whether agent-first callbacks are accepted automatically.
   * @default - Connect's default
   */
  readonly agentFirstCallbackAutoAccept?: boolean;
}

/**
 * The after-contact work settings of a channel. (`AfterContactWorkMode`, in the CloudFormation schema, is not
 * in the Connect API yet, so the function rejects it and this type leaves it out.)
 */
export interface AfterContactWorkConfig {
  /**
   * Time limit in seconds, 0–2,000,000 (0: no limit).
   * @default 0
   */
  readonly afterContactWorkTimeLimit?: number;
}

/** One entry of `AfterContactWorkConfigs`. */
export interface AfterContactWorkConfigPerChannel {
  /** The channel (at most one entry per channel). */
  readonly channel: Channel;
  /** The channel's after-contact work settings. */
  readonly afterContactWorkConfig: AfterContactWorkConfig;
  /**
   * The after-contact work settings of agent-first callbacks.
   * @default - Connect's default
   */
  readonly agentFirstCallbackAfterContactWorkConfig?: AfterContactWorkConfig;
}

/** One entry of `PhoneNumberConfigs` (Connect takes `Channel.VOICE` only). */
export interface PhoneNumberConfig {
  /** The channel. */
  readonly channel: Channel;
  /** The phone type. */
  readonly phoneType: PhoneType;
  /**
   * The phone number (E.164); required with `PhoneType.DESK_PHONE`.
   * @default - none
   */
  readonly phoneNumber?: string;
}

/** One entry of `PersistentConnectionConfigs` (Connect takes `Channel.VOICE` only). */
export interface PersistentConnectionConfig {
  /** The channel. */
  readonly channel: Channel;
  /** Whether the agent's connection persists between contacts. */
  readonly persistentConnection: boolean;
}

/** One entry of `VoiceEnhancementConfigs` (Connect takes `Channel.VOICE` only). */
export interface VoiceEnhancementConfig {
  /** The channel. */
  readonly channel: Channel;
  /** The enhancement. */
  readonly voiceEnhancementMode: VoiceEnhancementMode;
}

/** One entry of `UserProficiencies`: a predefined attribute of the instance and the user's level in it. */
export interface UserProficiency {
  /** The predefined attribute's name (1–64 characters). */
  readonly attributeName: string;
  /** One of its values (1–64 characters). */
  readonly attributeValue: string;
  /** The level, 1–5 (the Connect API's range). */
  readonly level: number;
}

/** One entry of `Tags`. */
export interface UserTag {
  /** 1–128 characters, not starting with `aws:`; distinct within the user's tags. */
  readonly key: string;
  /** At most 256 characters. */
  readonly value: string;
}
