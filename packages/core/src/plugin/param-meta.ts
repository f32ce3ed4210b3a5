/**
 * What a param's zod schema may tell editors through `.meta()`, which `z.toJSONSchema` copies
 * into the JSON Schema they read: `widget` chooses the input (`seed`: one seed 0…2³²−1 with a
 * randomize button, `seeds`: a seed list, `layers`: a layer picker) and `layers` names the
 * index space of a layer layout the picker shows (e.g. `ws`).
 */
export type ParamWidget = 'seed' | 'seeds' | 'layers';

declare module 'zod' {
  interface GlobalMeta {
    widget?: ParamWidget;
    layers?: string;
  }
}
