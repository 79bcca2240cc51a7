import { ChallengeCodeForm, type ChallengeCodeFormProps } from "./challenge-code-form";
import { Field } from "./field";

/** The challenge's "Use your authenticator app" form: the app's current 6-digit code. */
export function AuthenticatorCodeForm(props: ChallengeCodeFormProps) {
  return (
    <ChallengeCodeForm {...props} intro="Open your authenticator app and enter the 6-digit code it shows for this account.">
      <Field
        label="Authentication code"
        name="code"
        autoComplete="one-time-code"
        inputMode="numeric"
        pattern="[0-9 ]*"
        maxLength={7}
        autoFocus
        required
        error={props.state.fieldErrors?.code}
        classNames={props.classNames}
      />
    </ChallengeCodeForm>
  );
}
