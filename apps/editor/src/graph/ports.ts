/** Handle and edge colours come from the port kind's record (its `color`), so a plugin's kinds are drawn its way. */
export const portColor = (port: { readonly color?: string } | undefined): string => port?.color ?? '#aaa';
