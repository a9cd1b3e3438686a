{#- The order of a window that keeps a key's newest export: `updated_at` descending with
    nulls last, then the first loaded (`_row_number` ascending). It is written as one struct
    key, because DuckDB then picks each partition's first row with an aggregate instead of
    sorting every row (docs/scale.md, "Newest export by one key"). The struct's fields are
    never null, so both engines order it alike. Use: `qualify row_number() over (partition by
    <key> order by {{ newest_export_first() }}) = 1`. -#}
{% macro newest_export_first(updated_at='updated_at', row_number='_row_number') -%}
    {{ datong.struct_of([
        ('has_updated_at', updated_at ~ ' is not null'),
        ('updated_at', 'coalesce(' ~ updated_at ~ ", timestamp '1970-01-01 00:00:00')"),
        ('first_loaded', '-' ~ row_number),
    ]) }} desc
{%- endmacro %}
