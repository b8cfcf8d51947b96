/** Attribute values by name; `null` means "absent": removed by a change, required by a condition. */
export type Values = Readonly<Record<string, unknown>>;

/**
 * An update's `SET`/`REMOVE` clauses and its condition, with placeholders for every name and
 * value. The condition always requires the item to be a user (`attribute_exists(email)`), so an
 * update never creates an item.
 */
export function updateExpression(changes: Values, expected: Values) {
  const names: Record<string, string> = { '#email': 'email' };
  const values: Record<string, unknown> = {};
  const set: string[] = [];
  const remove: string[] = [];
  const conditions = ['attribute_exists(#email)'];
  Object.entries(changes).forEach(([name, value], i) => {
    names[`#c${i}`] = name;
    if (value === null) {
      remove.push(`#c${i}`);
    } else {
      values[`:c${i}`] = value;
      set.push(`#c${i} = :c${i}`);
    }
  });
  Object.entries(expected).forEach(([name, value], i) => {
    names[`#e${i}`] = name;
    if (value === null) {
      conditions.push(`attribute_not_exists(#e${i})`);
    } else {
      values[`:e${i}`] = value;
      conditions.push(`#e${i} = :e${i}`);
    }
  });
  const clauses = [
    set.length > 0 ? `SET ${set.join(', ')}` : '',
    remove.length > 0 ? `REMOVE ${remove.join(', ')}` : '',
  ];
  return {
    UpdateExpression: clauses.filter(Boolean).join(' '),
    ConditionExpression: conditions.join(' AND '),
    ExpressionAttributeNames: names,
    ...(Object.keys(values).length > 0 && { ExpressionAttributeValues: values }),
  };
}
