import { useState } from 'react';
import Autocomplete from '@mui/material/Autocomplete';
import TextField from '@mui/material/TextField';
import { useGetMoviesQuery } from '../../api/movies';
import { useDebouncedValue } from '../../app/useDebouncedValue';

export interface MovieOption {
  id: number;
  title: string;
  year: number | null;
}

export interface MovieAutocompleteProps {
  label?: string;
  value: MovieOption | null;
  onChange: (movie: MovieOption | null) => void;
  error?: string;
  helperText?: string;
  size?: 'small' | 'medium';
}

function optionLabel(m: MovieOption): string {
  return m.year ? `${m.title} (${m.year})` : m.title;
}

/** Picks a catalogue movie by typing part of its title. */
export function MovieAutocomplete({
  label = 'Movie',
  value,
  onChange,
  error,
  helperText,
  size,
}: MovieAutocompleteProps) {
  const [input, setInput] = useState('');
  const q = useDebouncedValue(input.trim(), 300);
  const searching = q.length >= 2 && (!value || q !== optionLabel(value));
  const movies = useGetMoviesQuery({ q, page_size: 8 }, { skip: !searching });
  const options: MovieOption[] = searching
    ? (movies.currentData?.results.map((m) => ({
        id: m.id,
        title: m.title,
        year: m.year ?? null,
      })) ?? [])
    : value
      ? [value]
      : [];
  return (
    <Autocomplete
      value={value}
      onChange={(_e, next) => onChange(next)}
      inputValue={input}
      onInputChange={(_e, next) => setInput(next)}
      options={options}
      filterOptions={(x) => x}
      getOptionLabel={optionLabel}
      isOptionEqualToValue={(a, b) => a.id === b.id}
      loading={searching && movies.isFetching}
      noOptionsText={q.length < 2 ? 'Type at least two letters' : 'No movie found'}
      size={size}
      renderInput={(params) => (
        <TextField
          {...params}
          label={label}
          error={Boolean(error)}
          helperText={error ?? helperText}
        />
      )}
    />
  );
}
