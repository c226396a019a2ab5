/**
 * The fleet's CustomResourceDefinitions, exactly as the model generates them (`allCrds()`: the
 * same objects `npm run fleet -- install-crds` writes), never re-written here. The schema-hash
 * annotation they carry is what `npm run fleet -- apply` checks before it writes anything.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { allCrds } from '@smart-fleet/model';

export class FleetCrds extends pulumi.ComponentResource {
  readonly names: string[];
  readonly crds: k8s.apiextensions.v1.CustomResourceDefinition[];

  constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
    super('smart:hub:FleetCrds', name, {}, opts);
    const crds = allCrds();
    this.names = crds.map((crd) => crd.metadata.name);
    this.crds = crds.map(
      (crd) =>
        new k8s.apiextensions.v1.CustomResourceDefinition(
          crd.metadata.name,
          crd as unknown as k8s.apiextensions.v1.CustomResourceDefinitionArgs,
          { parent: this },
        ),
    );
    this.registerOutputs({ names: this.names });
  }
}
