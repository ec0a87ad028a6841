import { Type, type Static } from 'typebox';

/** What a person may do: administer, read and hold meetings, or work clues and appeals at a desk. */
export const PersonRoleSchema = Type.Union([Type.Literal('admin'), Type.Literal('leader'), Type.Literal('operator')]);
export type PersonRoleName = Static<typeof PersonRoleSchema>;

/** Body of POST /api/v1/session: sign in. */
export const SessionCreateSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 256 }),
  },
  { additionalProperties: false },
);
export type SessionCreate = Static<typeof SessionCreateSchema>;

/** Body of PUT /api/v1/session/password. */
export const PasswordChangeSchema = Type.Object(
  {
    current: Type.String({ minLength: 1, maxLength: 256 }),
    next: Type.String({ minLength: 1, maxLength: 256 }),
  },
  { additionalProperties: false },
);
export type PasswordChange = Static<typeof PasswordChangeSchema>;

/** Who is signed in, and the token their writes carry in `x-csrf-token`. */
export const SessionViewSchema = Type.Object({
  user: Type.Object({
    id: Type.String(),
    name: Type.String(),
    role: PersonRoleSchema,
    /** Root of the region subtree the person reaches; null: the whole tree. */
    region: Type.Union([Type.String(), Type.Null()]),
  }),
  csrfToken: Type.String(),
  /** The session ends after this many minutes without use. */
  idleMinutes: Type.Number(),
  /** …and at this time however active. */
  expiresAt: Type.String(),
});
export type SessionView = Static<typeof SessionViewSchema>;
