/** Adam (Kingma & Ba; torch.optim.Adam's update, no weight decay) over flat float32 parameters. */
export class Adam {
  private readonly m: Float32Array;
  private readonly v: Float32Array;
  private t = 0;

  constructor(
    readonly size: number,
    readonly beta1 = 0.9,
    readonly beta2 = 0.999,
    readonly eps = 1e-8,
  ) {
    this.m = new Float32Array(size);
    this.v = new Float32Array(size);
  }

  /** One step on `param` in place with gradient `grad` at learning rate `lr`. */
  step(param: Float32Array, grad: ArrayLike<number>, lr: number): void {
    if (param.length !== this.size || grad.length !== this.size) throw new Error(`Adam: expected ${this.size} values, got ${param.length} and ${grad.length}`);
    this.t++;
    const { m, v, beta1, beta2, eps } = this;
    const c1 = 1 - beta1 ** this.t;
    const c2 = Math.sqrt(1 - beta2 ** this.t);
    const stepSize = lr / c1;
    for (let i = 0; i < param.length; i++) {
      const g = grad[i]!;
      m[i] = beta1 * m[i]! + (1 - beta1) * g;
      v[i] = beta2 * v[i]! + (1 - beta2) * g * g;
      param[i] = param[i]! - (stepSize * m[i]!) / (Math.sqrt(v[i]!) / c2 + eps);
    }
  }
}
