/**
 * The user object recipes return: the core's CDI user, with each login
 * method's recipeUserId as a RecipeUserId. Same fields, helpers and toJson()
 * output as supertokens-node's User and LoginMethod.
 */
import { RecipeUserId } from "./recipeUserId.js";

export type RecipeId = "emailpassword" | "thirdparty" | "passwordless" | "webauthn";

/** The user as the core sends it (CDI >= 5.3). */
export interface CoreUser {
  id: string;
  timeJoined: number;
  isPrimaryUser: boolean;
  emails: string[];
  phoneNumbers: string[];
  tenantIds: string[];
  thirdParty: { id: string; userId: string }[];
  webauthn: { credentialIds: string[] };
  loginMethods: CoreLoginMethod[];
}

export interface CoreLoginMethod {
  recipeId: RecipeId;
  recipeUserId: string;
  tenantIds: string[];
  email?: string;
  phoneNumber?: string;
  thirdParty?: { id: string; userId: string };
  webauthn?: { credentialIds: string[] };
  verified: boolean;
  timeJoined: number;
}

export class LoginMethod {
  readonly recipeId: RecipeId;
  readonly recipeUserId: RecipeUserId;
  readonly tenantIds: string[];
  readonly email?: string;
  readonly phoneNumber?: string;
  readonly thirdParty?: { id: string; userId: string };
  readonly webauthn?: { credentialIds: string[] };
  readonly verified: boolean;
  readonly timeJoined: number;

  constructor(m: CoreLoginMethod) {
    this.recipeId = m.recipeId;
    this.recipeUserId = new RecipeUserId(m.recipeUserId);
    this.tenantIds = m.tenantIds;
    this.email = m.email;
    this.phoneNumber = m.phoneNumber;
    this.thirdParty = m.thirdParty;
    this.webauthn = m.webauthn;
    this.timeJoined = m.timeJoined;
    this.verified = m.verified;
  }

  /** The core stores emails trimmed and lower-cased; compare the same way. */
  hasSameEmailAs(email: string | undefined): boolean {
    if (email === undefined) return false;
    return this.email !== undefined && this.email === email.toLowerCase().trim();
  }

  /**
   * Trimmed comparison. supertokens-node also normalises to E.164 with
   * libphonenumber; corelens has no phone-number recipe, so pass E.164 numbers.
   */
  hasSamePhoneNumberAs(phoneNumber: string | undefined): boolean {
    if (phoneNumber === undefined) return false;
    return this.phoneNumber !== undefined && this.phoneNumber === phoneNumber.trim();
  }

  hasSameThirdPartyInfoAs(thirdParty?: { id: string; userId: string }): boolean {
    if (thirdParty === undefined || this.thirdParty === undefined) return false;
    return this.thirdParty.id === thirdParty.id.trim() && this.thirdParty.userId === thirdParty.userId.trim();
  }

  hasSameWebauthnInfoAs(webauthn?: { credentialId: string }): boolean {
    if (webauthn === undefined) return false;
    return this.webauthn !== undefined && this.webauthn.credentialIds.includes(webauthn.credentialId);
  }

  toJson(): Record<string, unknown> {
    return {
      recipeId: this.recipeId,
      recipeUserId: this.recipeUserId.getAsString(),
      tenantIds: this.tenantIds,
      email: this.email,
      phoneNumber: this.phoneNumber,
      thirdParty: this.thirdParty,
      webauthn: this.webauthn,
      timeJoined: this.timeJoined,
      verified: this.verified,
    };
  }
}

export class User {
  readonly id: string;
  readonly isPrimaryUser: boolean;
  readonly tenantIds: string[];
  readonly emails: string[];
  readonly phoneNumbers: string[];
  readonly thirdParty: { id: string; userId: string }[];
  readonly webauthn: { credentialIds: string[] };
  readonly loginMethods: LoginMethod[];
  readonly timeJoined: number;

  constructor(user: CoreUser) {
    this.id = user.id;
    this.isPrimaryUser = user.isPrimaryUser;
    this.tenantIds = user.tenantIds;
    this.emails = user.emails;
    this.phoneNumbers = user.phoneNumbers;
    this.thirdParty = user.thirdParty;
    this.webauthn = user.webauthn;
    this.timeJoined = user.timeJoined;
    if (!Array.isArray(user.loginMethods)) {
      throw new TypeError("The core sent a user without loginMethods: is it a CDI 5.x core?");
    }
    this.loginMethods = user.loginMethods.map((m) => new LoginMethod(m));
  }

  static fromApi(apiUser: CoreUser): User {
    return new User(apiUser);
  }

  toJson(): Record<string, unknown> {
    return {
      id: this.id,
      isPrimaryUser: this.isPrimaryUser,
      tenantIds: this.tenantIds,
      emails: this.emails,
      phoneNumbers: this.phoneNumbers,
      thirdParty: this.thirdParty,
      webauthn: this.webauthn,
      loginMethods: this.loginMethods.map((m) => m.toJson()),
      timeJoined: this.timeJoined,
    };
  }
}
