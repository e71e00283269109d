import React, { useState } from "react";
import { api } from "../api";

type Props = { id: string };

export function Panel({ id }: Props) {
  const [data, setData] = useState<string | null>(null);
  const load = async () => {
    setData(await api.fetchItem(id));
  };
  return <div onClick={load}>{data}</div>;
}

const Row = (props: Props) => <span>{props.id}</span>;
export default Row;
