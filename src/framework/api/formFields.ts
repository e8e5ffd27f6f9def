/**
 * The `formFields` body of sign up and sign in: shape checks (a bad shape is
 * a 400) and the default email and password rules (a broken rule is a 200
 * FIELD_ERROR listing each field). The error strings are the ones the
 * frontend SDKs and UIs know (some UIs translate them by their exact text).
 */
import { badInput, CorelensError } from "../../recipe/error.js";

export const FIELD_ERROR = "FIELD_ERROR";

export interface FieldError {
  id: string;
  error: string;
}

/** Thrown by validation; the API answers 200 { status: "FIELD_ERROR", formFields }. */
export class FormFieldError extends CorelensError {
  constructor(readonly formFields: FieldError[]) {
    super({ type: FIELD_ERROR, message: "Error in input formFields", payload: formFields });
    this.name = "FormFieldError";
  }
}

// local@domain.tld, with a dotted domain whose last label has two letters or more, or a bracketed IPv4 address.
const EMAIL_SHAPE = /^(?:[^<>()[\]\\.,;:\s@"]+(?:\.[^<>()[\]\\.,;:\s@"]+)*|".+")@(?:\[\d{1,3}(?:\.\d{1,3}){3}\]|(?:[a-zA-Z0-9-]+\.)+[a-zA-Z]{2,})$/;

function emailError(value: string): string | undefined {
  return EMAIL_SHAPE.test(value) ? undefined : "Email is invalid";
}

function passwordError(value: string): string | undefined {
  if (value.length < 8) return "Password must contain at least 8 characters, including a number";
  if (value.length >= 100) return "Password's length must be lesser than 100 characters";
  if (!/[A-Za-z]/.test(value)) return "Password must contain at least one alphabet";
  if (!/[0-9]/.test(value)) return "Password must contain at least one number";
  return undefined;
}

/** Checks the body and returns the trimmed email and the password; `checkPassword` only for sign up. */
export function readCredentials(body: unknown, checkPassword: boolean): { email: string; password: string } {
  const raw = body !== null && typeof body === "object" ? (body as { formFields?: unknown }).formFields : undefined;
  if (raw === undefined) throw badInput("Missing input param: formFields");
  if (!Array.isArray(raw)) throw badInput("formFields must be an array");
  const values = new Map<string, unknown>();
  for (const field of raw) {
    if (field === null || typeof field !== "object") throw badInput("All elements of formFields must be an object");
    const { id, value } = field as { id?: unknown; value?: unknown };
    if (typeof id !== "string" || value === undefined) throw badInput("All elements of formFields must contain an 'id' and 'value' field");
    if ((id === "email" || id === "password") && typeof value !== "string") throw badInput(`${id} value must be a string`);
    values.set(id, value);
  }
  if (raw.length > 2) throw badInput("Are you sending too many formFields?");
  const email = typeof values.get("email") === "string" ? (values.get("email") as string).trim() : "";
  const password = typeof values.get("password") === "string" ? (values.get("password") as string) : "";
  const errors: FieldError[] = [];
  if (email === "") errors.push({ id: "email", error: "Field is not optional" });
  else {
    const e = emailError(email);
    if (e !== undefined) errors.push({ id: "email", error: e });
  }
  if (password === "") errors.push({ id: "password", error: "Field is not optional" });
  else if (checkPassword) {
    const e = passwordError(password);
    if (e !== undefined) errors.push({ id: "password", error: e });
  }
  if (errors.length > 0) throw new FormFieldError(errors);
  return { email, password };
}
