/**
 * A build-time fix for react-admin 5.15's list rows: their selection checkbox puts its
 * aria-label on the checkbox's outer span instead of its <input> (the header's checkbox does it
 * right), which leaves every row's input unlabelled (axe: "label", "aria-prohibited-attr").
 * This moves the label into the input's props in those two modules as Vite bundles them. It
 * fails the build if the code it fixes is no longer there, so an upgrade that fixes it upstream
 * is noticed and this file removed.
 */
import type { Plugin } from 'vite';

const TARGETS = [
  /ra-ui-materialui\/dist\/list\/datagrid\/DatagridRow\.js$/,
  /ra-ui-materialui\/dist\/list\/datatable\/SelectRowCheckbox\.js$/,
];
const WRONG =
  /React\.createElement\(Checkbox, \{ "aria-label": (translate\('ra\.action\.select_row', \{\s*_: 'Select this row',\s*\}\)),/;

export function rowCheckboxLabel(): Plugin {
  return {
    name: 'smart-fleet:row-checkbox-label',
    transform(code, id) {
      if (!TARGETS.some((target) => target.test(id))) {
        return undefined;
      }
      if (!WRONG.test(code)) {
        this.error(
          `${id}: the row checkbox this plugin relabels has changed; check whether react-admin fixed it and drop the plugin`,
        );
      }
      return {
        code: code.replace(
          WRONG,
          'React.createElement(Checkbox, { slotProps: { input: { "aria-label": $1 } },',
        ),
        map: null,
      };
    },
  };
}
