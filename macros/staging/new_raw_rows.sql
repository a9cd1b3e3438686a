{% macro new_raw_rows(raw_relation) -%}
    {#- Filter of a base model's import CTE: on an incremental run, only the raw rows loaded
        since the last build, i.e. above the high-water mark of `_row_number` (the loader
        numbers a batch after the rows already in the table; docs/incremental.md). A full
        build reads every row.

        A base model holds one row per raw row, so the raw rows up to the mark must be as many
        as the model's rows; when they are not, the raw table was replaced by a load without
        `--batch` since the last build, and the build stops rather than append to a history
        that no longer exists. -#}
    {%- if this is not none and is_incremental() %}
        {%- if execute %}
            {%- set check -%}
                select
                    (select count(*) from {{ this }}) as built_rows,
                    (
                        select count(*) from {{ raw_relation }}
                        where _row_number <= (select coalesce(max(_row_number), 0) from {{ this }})
                    ) as raw_rows
            {%- endset %}
            {%- set counts = run_query(check).rows[0] %}
            {%- if counts[0] != counts[1] %}
                {{ exceptions.raise_compiler_error(
                    this ~ " holds " ~ counts[0] ~ " rows but " ~ raw_relation ~ " has "
                    ~ counts[1] ~ " rows up to its last row number: the raw table was replaced"
                    ~ " since the last build. Rebuild the base models with --full-refresh,"
                    ~ " or load new exports with datong load --batch (docs/incremental.md).") }}
            {%- endif %}
        {%- endif %}
    where {{ loaded_since_this() }}
    {%- endif %}
{%- endmacro %}
