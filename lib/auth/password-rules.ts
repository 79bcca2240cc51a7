/** Password length rules, shared by the server check and the form (no Node imports here). */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;
