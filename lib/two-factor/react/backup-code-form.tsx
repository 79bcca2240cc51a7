import { ChallengeCodeForm, type ChallengeCodeFormProps } from "./challenge-code-form";
import { Field } from "./field";

/** The challenge's "Use the backup code" form. */
export function BackupCodeForm(props: ChallengeCodeFormProps) {
  return (
    <ChallengeCodeForm {...props} intro="Enter one of the backup codes you stored when you set up two-step authentication.">
      <Field
        label="Backup code"
        name="backupCode"
        autoComplete="off"
        autoCapitalize="characters"
        spellCheck={false}
        autoFocus
        required
        error={props.state.fieldErrors?.backupCode}
        classNames={props.classNames}
      />
    </ChallengeCodeForm>
  );
}
