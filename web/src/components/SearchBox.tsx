import { useState, type FormEvent } from 'react';
import Autocomplete from '@mui/material/Autocomplete';
import Box from '@mui/material/Box';
import InputBase from '@mui/material/InputBase';
import Typography from '@mui/material/Typography';
import SearchIcon from '@mui/icons-material/Search';
import { useNavigate } from 'react-router-dom';
import { useSuggestMoviesQuery } from '../api/movies';
import type { MovieCard } from '../api/types';
import { useDebouncedValue } from '../app/useDebouncedValue';

/** The header search: suggestions as the user types (Enter on one opens it), Enter on the
 * text searches the catalogue. Suggestions are only ever those of the text in the box: none
 * while typing has not settled or the answer for it is on its way (never the last query's),
 * and each is known by its movie's id, as two films may share a title. */
export function SearchBox() {
  const navigate = useNavigate();
  const [text, setText] = useState('');
  const typed = useDebouncedValue(text.trim(), 150);
  const { currentData: suggestions = [] } = useSuggestMoviesQuery(typed, {
    skip: typed === '',
  });
  const settled = typed !== '' && typed === text.trim();
  const search = (q: string) => navigate(q ? `/browse?q=${encodeURIComponent(q)}` : '/browse');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    search(text.trim());
  };
  return (
    <Box
      component="form"
      role="search"
      onSubmit={submit}
      sx={{ display: { xs: 'none', sm: 'flex' }, width: { sm: 220, lg: 300 } }}
    >
      <Autocomplete<MovieCard, false, false, true>
        freeSolo
        fullWidth
        options={settled ? suggestions : []}
        filterOptions={(options) => options}
        getOptionLabel={(option) => (typeof option === 'string' ? option : option.title)}
        getOptionKey={(option) => (typeof option === 'string' ? option : option.id)}
        isOptionEqualToValue={(option, value) =>
          typeof value !== 'string' && option.id === value.id
        }
        inputValue={text}
        onInputChange={(_event, value) => setText(value)}
        onChange={(_event, value) => {
          if (value && typeof value !== 'string') {
            setText('');
            navigate(`/movies/${value.id}`);
          } else if (typeof value === 'string') {
            search(value.trim());
          }
        }}
        renderOption={({ key, ...props }, option) => (
          <Box component="li" key={key} {...props} data-testid="search-suggestion">
            <Box sx={{ minWidth: 0 }}>
              <Typography noWrap sx={{ fontSize: '0.9rem' }}>
                {option.title}
              </Typography>
              <Typography variant="caption" sx={{ color: 'text.secondary' }}>
                {[option.year, option.genres.slice(0, 2).join(', ')].filter(Boolean).join(' · ')}
              </Typography>
            </Box>
          </Box>
        )}
        renderInput={(params) => (
          <Box
            ref={params.slotProps.input.ref}
            sx={{
              display: 'flex',
              alignItems: 'center',
              gap: 1,
              px: 1.5,
              py: 0.25,
              borderRadius: 999,
              bgcolor: 'rgba(255,255,255,0.07)',
              border: '1px solid rgba(255,255,255,0.08)',
              '&:focus-within': { borderColor: 'secondary.main' },
            }}
          >
            <SearchIcon fontSize="small" sx={{ color: 'text.secondary' }} aria-hidden />
            <InputBase
              inputProps={{ ...params.slotProps.htmlInput, 'aria-label': 'Search the catalogue' }}
              placeholder="Search movies…"
              sx={{ flex: 1, fontSize: '0.9rem' }}
            />
          </Box>
        )}
      />
    </Box>
  );
}
