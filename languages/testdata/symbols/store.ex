defmodule Acme.Store do
  alias Acme.Repo
  import Ecto.Query

  def get(key) do
    Repo.get(Item, key) |> render()
  end

  defp render(nil), do: :none
end
