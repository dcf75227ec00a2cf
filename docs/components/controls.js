// Stable handles on Inputs controls, for readers' bookmarks and the browser tests: the control's
// form gets the id "control-<name>".
export function control(name, input) {
  input.id = `control-${name}`;
  return input;
}
