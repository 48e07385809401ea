import { fireEvent, render, screen } from '@testing-library/react';
import { Poster, TMDB_POSTER_BASE } from './Poster';
import { posterColors } from './posterColors';

describe('posterColors', () => {
  it('gives the same colours for the same genres and title', () => {
    expect(posterColors(['Animation', 'Comedy'], 'Toy Story')).toEqual(
      posterColors(['Animation', 'Comedy'], 'Toy Story'),
    );
  });

  it('derives the gradient from the genres, first genre first', () => {
    const [from, to] = posterColors(['Horror', 'Science Fiction'], 'Alien');
    expect(from).toMatch(/^hsl\(352 /);
    expect(to).toMatch(/^hsl\(198 /);
    const [swappedFrom] = posterColors(['Science Fiction', 'Horror'], 'Alien');
    expect(swappedFrom).toMatch(/^hsl\(198 /);
  });

  it('tells different genres apart and still works with unknown genres or none', () => {
    expect(posterColors(['Drama'], 'X')[0]).not.toEqual(posterColors(['Comedy'], 'X')[0]);
    const unknown = posterColors(['Space Opera'], 'X');
    expect(unknown).toEqual(posterColors(['Space Opera'], 'X'));
    expect(posterColors([], 'Heat')).toEqual(posterColors([], 'Heat'));
    expect(posterColors([], 'Heat')).not.toEqual(posterColors([], 'Casino'));
  });
});

describe('Poster', () => {
  it('tries the TMDB image and swaps to a generated poster when it fails', () => {
    const { container } = render(
      <Poster
        title="Toy Story"
        posterPath="/toy.jpg"
        genres={['Animation', 'Comedy']}
        year={1995}
      />,
    );
    const img = container.querySelector('img');
    expect(img).toHaveAttribute('src', `${TMDB_POSTER_BASE}/toy.jpg`);
    // Until the image has loaded, the generated poster is what shows.
    expect(screen.getByTestId('generated-poster')).toBeInTheDocument();

    fireEvent.error(img!);

    expect(container.querySelector('img')).toBeNull();
    const generated = screen.getByRole('img', { name: 'Poster of Toy Story' });
    expect(generated).toHaveAttribute('data-testid', 'generated-poster');
    expect(generated).toHaveAttribute(
      'data-colors',
      posterColors(['Animation', 'Comedy'], 'Toy Story').join(' '),
    );
    expect(generated).toHaveTextContent('Toy Story');
  });

  it('shows the image alone once it has loaded', () => {
    const { container } = render(<Poster title="Heat" posterPath="/heat.jpg" genres={['Crime']} />);
    fireEvent.load(container.querySelector('img')!);
    expect(screen.queryByTestId('generated-poster')).toBeNull();
    expect(screen.getByRole('img', { name: 'Poster of Heat' }).tagName).toBe('IMG');
  });

  it('draws a poster straight away when the movie has no image', () => {
    const { container } = render(<Poster title="Obscure Film" posterPath={null} genres={[]} />);
    expect(container.querySelector('img')).toBeNull();
    expect(screen.getByRole('img', { name: 'Poster of Obscure Film' })).toBeInTheDocument();
  });
});
