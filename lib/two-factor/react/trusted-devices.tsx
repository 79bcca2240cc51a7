import { slotClasses, type ClassNames } from "./class-names";
import type { Navigate } from "./navigation";
import { RevokeDevice } from "./revoke-device";
import type { StepAction } from "./route-action";

export interface TrustedDeviceRow {
  id: string;
  /** The device in words ("Chrome on Linux"). */
  name: string;
  /** The browser showing the page. */
  current: boolean;
  /** ISO times. */
  lastUsedAt: string;
  expiresAt: string;
}

export type TrustedDevicesSlot = "root" | "text" | "secondaryButton" | "error";

const when = (iso: string) => `${iso.slice(0, 16).replace("T", " ")} UTC`;

/** The member's trusted devices, each with "Revoke" (which posts `deviceId` to `revoke`). */
export function TrustedDevices(props: { devices: TrustedDeviceRow[]; revoke: StepAction; onNavigate?: Navigate; classNames?: ClassNames<TrustedDevicesSlot> }) {
  const { devices, classNames } = props;
  const cx = slotClasses(classNames);
  if (devices.length === 0) {
    return <p className={cx("text", "text-slate-600")}>No trusted devices. Tick “Trust this device” when you sign in to add one.</p>;
  }
  return (
    <table className={cx("root", "w-full text-left text-sm")}>
      <caption className="sr-only">Trusted devices</caption>
      <thead className="border-b border-slate-200 text-slate-600">
        <tr>
          <th scope="col" className="py-2 pr-3">Device</th>
          <th scope="col" className="py-2 pr-3">Last used</th>
          <th scope="col" className="py-2 pr-3">Trusted until</th>
          <th scope="col" className="py-2"><span className="sr-only">Actions</span></th>
        </tr>
      </thead>
      <tbody>
        {devices.map((d) => (
          <tr key={d.id} className="border-b border-slate-100" data-testid="trusted-device">
            <td className="py-2 pr-3">
              {d.name}
              {d.current ? <strong className="ml-2 rounded bg-blue-100 px-1.5 text-xs text-blue-900">This device</strong> : null}
            </td>
            <td className="py-2 pr-3">{when(d.lastUsedAt)}</td>
            <td className="py-2 pr-3">{when(d.expiresAt)}</td>
            <td className="py-2">
              <RevokeDevice
                deviceId={d.id}
                revoke={props.revoke}
                label={`Revoke ${d.name}${d.current ? " (this device)" : ""}`}
                onNavigate={props.onNavigate}
                classNames={classNames}
              />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
