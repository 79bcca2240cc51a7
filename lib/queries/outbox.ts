import { listOutboxMessages } from "../outbox";
import { appDeps } from "../server";

/** The dev outbox page's messages: the latest 100, newest first. */
export async function loadOutboxPage() {
  const { db } = await appDeps();
  return listOutboxMessages(db, { limit: 100 });
}
