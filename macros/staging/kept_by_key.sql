{#- The `_built_at` column of a model kept up to date by key: the start of the dbt invocation
    that wrote the row. A consumer of the model takes the rows written since its own newest
    `_built_at` (`written_since_this`), so a run that failed half-way is caught up by the next. -#}
{% macro built_at() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp)
{%- endmacro %}

{#- Filter of the rows of an input that a model kept by key has not seen yet: those written
    (`_built_at`) after the newest row of the model being built. Only on an incremental run.
    The input's column is unqualified, or qualified by `input_alias` where the select joins
    the input to others. A table
    built before the model had `_built_at` fails with what to do, rather than with the
    engine's error on the query (whose `_built_at` would then name the input's column); a
    unit test's `this` is its given rows, a name rather than a relation, and needs no check. -#}
{% macro written_since_this(input_alias=none) -%}
    {%- if execute and this is not string -%}
        {%- set names = adapter.get_columns_in_relation(this) | map(attribute='name')
            | map('lower') | list -%}
        {%- if names and '_built_at' not in names -%}
            {{ exceptions.raise_compiler_error(
                this ~ " was built before it had the _built_at column, so an incremental "
                ~ "run cannot tell which rows of its inputs it has seen: rebuild it once with "
                ~ "`dbt build --full-refresh --select " ~ this.identifier
                ~ "` (docs/incremental.md, section Upgrading)."
            ) }}
        {%- endif -%}
    {%- endif -%}
    {{ input_alias ~ '.' if input_alias }}_built_at > (
        select coalesce(max(_built_at), timestamp '1970-01-01') from {{ this }}
    )
{%- endmacro %}

{#- The rows of a base model loaded after the newest row a staging model kept by key holds:
    above its highest `_row_number`. A raw batch is numbered after every row already loaded
    (docs/incremental.md), so these include every row loaded since that model's last run
    (and the few later exports that did not win). Only on an incremental run. -#}
{% macro loaded_since_this() -%}
    _row_number > (select coalesce(max(_row_number), 0) from {{ this }})
{%- endmacro %}

{#- Fails the run when a model kept by key compares its new rows with the stored ones on a
    list of columns that is not every stored column but the key and `_built_at`: a column
    added to the model but not to the list would otherwise never make a row differ. Only on
    an incremental run against a table (a unit test's `this` is a name). -#}
{% macro check_compared_columns(columns, key) -%}
    {%- if execute and this is not string -%}
        {%- set stored = adapter.get_columns_in_relation(this) | map(attribute='name')
            | map('lower') | reject('in', [key, '_built_at']) | list -%}
        {%- if stored | sort != columns | map('lower') | sort -%}
            {{ exceptions.raise_compiler_error(
                this ~ " compares its rows on " ~ (columns | sort | join(', '))
                ~ " but stores " ~ (stored | sort | join(', '))
                ~ ": make the list of compared columns every column but "
                ~ key ~ " and _built_at."
            ) }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
