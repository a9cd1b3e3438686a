{#- The current time as a timestamp without time zone in China time (Asia/Shanghai), the
    zone every raw timestamp is expressed in. -#}
{% macro current_local_timestamp() -%}
    {{ return(adapter.dispatch('current_local_timestamp', 'datong')()) }}
{%- endmacro %}

{% macro default__current_local_timestamp() -%}
    current_timestamp
{%- endmacro %}

{#- DuckDB's current_timestamp carries a time zone; timezone() turns it into the wall-clock
    time of Shanghai whatever the session's TimeZone setting is. -#}
{% macro duckdb__current_local_timestamp() -%}
    timezone('Asia/Shanghai', current_timestamp)
{%- endmacro %}

{#- Spark timestamps are instants rendered in the session time zone, like the timestamps the
    models parse from text, so the two compare correctly. -#}
{% macro spark__current_local_timestamp() -%}
    current_timestamp()
{%- endmacro %}
