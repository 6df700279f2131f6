import { Field, Input } from "@fluentui/react-components";
import { useMemo } from "react";

/** timeZones lists the IANA zones this browser knows, UTC first. */
export function timeZones(): string[] {
  const known = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return ["UTC", ...known.filter((z) => z !== "UTC")];
}

/**
 * TimeZoneField picks an IANA time zone: type to narrow the list (a
 * datalist, so keyboards and screen readers get the browser's own
 * suggestion list); FlowDeck checks the name when saving.
 */
export function TimeZoneField(props: { value: string; onChange: (v: string) => void; error?: string }) {
  const zones = useMemo(timeZones, []);
  return (
    <>
      <Field label="Time zone" hint="Type a city or region, such as Paris, and pick from the list."
        validationState={props.error ? "error" : "none"} validationMessage={props.error}>
        <Input value={props.value} list="fd-time-zones" name="timeZone" autoComplete="off"
          onChange={(_, d) => props.onChange(d.value)} />
      </Field>
      <datalist id="fd-time-zones">
        {zones.map((z) => <option key={z} value={z} />)}
      </datalist>
    </>
  );
}
