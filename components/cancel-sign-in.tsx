import { cancelSignInAction } from "@/app/(two-factor)/two-factor/actions";

export function CancelSignIn() {
  return (
    <form action={cancelSignInAction} className="mt-6 border-t border-slate-200 pt-4">
      <button type="submit" className="text-sm text-slate-600 underline hover:text-slate-900">
        Cancel and go back to sign in
      </button>
    </form>
  );
}
